package org.evo2wb.engine.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;
import org.evo2wb.engine.model.Evo2Config;
import org.junit.jupiter.api.Test;

class ModelCatalogTest {

    private final ModelCatalog catalog = ModelCatalog.load();

    @Test
    void listsTheReleasedCheckpointsWithTheirPresets() {
        assertEquals(LocalDate.of(2026, 12, 7), catalog.checked());
        for (String repo : List.of("arcinstitute/evo2_7b", "arcinstitute/evo2_7b_base", "arcinstitute/evo2_1b_base",
                "arcinstitute/evo2_40b", "arcinstitute/evo2_40b_base")) {
            ModelCatalog.Entry e = catalog.find(repo).orElseThrow(() -> new AssertionError(repo));
            assertTrue(Evo2Config.PRESETS.contains(e.preset()), e.preset());
            assertFalse(e.files().isEmpty());
        }
        assertEquals("evo2-7b-1m", catalog.find("arcinstitute/evo2_7b").orElseThrow().preset());
        assertEquals("evo2-7b-8k", catalog.find("ARCINSTITUTE/evo2_7b_base").orElseThrow().preset());
    }

    @Test
    void theFortyBillionComesInTwoExactPartsAndWarnsOfFp8() {
        ModelCatalog.Entry e = catalog.find("arcinstitute/evo2_40b").orElseThrow();
        assertEquals(List.of("evo2_40b.pt.part0", "evo2_40b.pt.part1"),
                e.files().stream().map(ModelCatalog.File::path).toList());
        assertEquals(2 * 41_126_745_847L, e.diskBytes());
        assertFalse(e.sizeApproximate());
        assertEquals("evo2_40b.pt.part0", e.checkpointFile());
        // the released file holds bf16 weights: 2 bytes per parameter of the preset, within 0.1 %
        assertEquals(1.0, e.diskBytes() / (2.0 * e.parameters()), 1e-3);
        assertTrue(e.fp8Warning().orElseThrow().contains("FP8"));
    }

    @Test
    void onlyTheOneBillionAndFortyBillionModelsNeedFp8() {
        for (ModelCatalog.Entry e : catalog.models()) {
            boolean fp8 = e.preset().startsWith("evo2-1b") || e.preset().startsWith("evo2-40b");
            assertEquals(fp8, e.fp8Warning().isPresent(), e.repo());
        }
    }

    @Test
    void memoryNeedsGrowWithTheWindowAndLoraNeedsMoreThanScoring() {
        ModelCatalog.Entry e = catalog.find("arcinstitute/evo2_7b").orElseThrow();
        List<ModelNeeds.Need> needs = ModelNeeds.of(e.config(), e.context());
        List<ModelNeeds.Need> scoring = needs.stream().filter(n -> n.task().equals("scoring")).toList();
        List<ModelNeeds.Need> lora = needs.stream().filter(n -> n.task().equals("LoRA")).toList();
        assertEquals(ModelNeeds.SCORING_WINDOWS.size(), scoring.size());
        assertEquals(ModelNeeds.LORA_WINDOWS.size(), lora.size());
        for (int i = 1; i < scoring.size(); i++) {
            assertTrue(scoring.get(i).bytes() > scoring.get(i - 1).bytes());
        }
        assertTrue(lora.get(1).bytes() > lora.get(0).bytes());
        // scoring holds at least the fp16 linear weights: more than 2 bytes per parameter plus the CUDA context
        assertTrue(scoring.get(0).bytes() > 2 * e.parameters() + ModelNeeds.CUDA_CONTEXT);
        assertTrue(lora.get(1).bytes() > scoring.get(0).bytes());
        // scoring computes attention in inference-sized score blocks: never a larger transient than training's
        for (int w : ModelNeeds.SCORING_WINDOWS) {
            assertTrue(ModelNeeds.largestTransient(e.config(), w, false)
                    <= ModelNeeds.largestTransient(e.config(), w, true));
        }
        // at 131,072 bases (fused attention: no score blocks) building a long filter is the largest transient:
        // T = ⌈√131,072⌉ = 363 columns, J = ⌈131,072 / 363⌉ = 362 rows, D·(S·(T + 2J) + J·T) floats
        assertEquals(e.config().hiddenSize() * (e.config().stateSize() * (363L + 2 * 362) + 362L * 363),
                ModelNeeds.largestTransient(e.config(), 131_072, false));
        // an 8,192-base model is not estimated at windows beyond its context
        ModelCatalog.Entry base = catalog.find("arcinstitute/evo2_7b_base").orElseThrow();
        assertEquals(1, ModelNeeds.of(base.config(), base.context()).stream()
                .filter(n -> n.task().equals("scoring")).count());
    }
}
