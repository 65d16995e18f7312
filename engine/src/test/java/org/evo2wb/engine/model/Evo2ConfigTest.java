package org.evo2wb.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.evo2wb.engine.checkpoint.TensorInfo;
import org.evo2wb.engine.checkpoint.TorchCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Evo2ConfigTest {

    @TempDir
    Path tmp;

    static Path golden(String name) throws URISyntaxException {
        return Path.of(Evo2ConfigTest.class.getResource("/golden/" + name).toURI());
    }

    @Test
    void tinyConfigDescribesTheTinyCheckpointExactly() throws Exception {
        Evo2Config c = Evo2Config.load(golden("tiny.yml"));
        assertEquals("tiny-evo2", c.modelName());
        assertEquals(64, c.hiddenSize());
        assertEquals("SDH*S", c.pattern());
        assertEquals(List.of(BlockKind.HCS, BlockKind.HCM, BlockKind.HCL, BlockKind.ATTENTION, BlockKind.HCS),
                c.blockKinds());
        assertEquals(32, c.headDim());
        assertEquals(128, c.mlpInnerSize());
        assertEquals(1e-6, c.eps());
        assertEquals(1.0, c.ropeScale());
        assertTrue(c.interleave() && c.columnSplit() && c.evo2StyleActivations() && c.tieEmbeddings());
        assertFalse(c.useFp8InputProjections());
        assertEquals(false, c.other().get("use_flashfft"));
        try (TorchCheckpoint ckpt = TorchCheckpoint.open(golden("tiny.pt"))) {
            Map<String, long[]> want = c.checkpointShapes(true);
            Map<String, TensorInfo> got = ckpt.infos();
            assertEquals(new ArrayList<>(want.keySet()), new ArrayList<>(got.keySet()));
            want.forEach((k, s) -> assertArrayEquals(s, got.get(k).shape(), k));
            assertEquals(Evo2Config.inferInnerMlpSize(ckpt.shapes()).orElseThrow(), 128);
        }
        // 512·64 + 64 + 5 blocks; tiny.pt's storages minus unembed (512·64) and inv_freq (16), in elements
        long elements = 0;
        for (long[] s : c.checkpointShapes(false).values()) {
            elements += java.util.Arrays.stream(s).reduce(1, (a, b) -> a * b);
        }
        assertEquals(elements - 16, c.parameterCount());
    }

    @Test
    void presetsFollowThePublishedArchitectures() {
        Map<String, String> patterns = Map.of(
                "evo2-1b-8k", "SDH*SDHSDH*SDHSDH*SDHSDH*",
                "evo2-7b-8k", "SDH*SDHSDH*SDHSDH*SDHSDH*SDHSDH*",
                "evo2-20b-1m", "SDH*SDHSDH*SDHSDH*SDHSDH",
                "evo2-40b-8k", "SDH*SDHSDH*SDHSDH*SDHSDH*SDHSDH*SDH*SDHSDH*SDHSDH*");
        patterns.forEach((name, p) -> assertEquals(p, Evo2Config.preset(name).pattern(), name));
        assertEquals(Evo2Config.preset("evo2-7b-8k").pattern(), Evo2Config.preset("evo2-7b-1m").pattern());
        assertEquals(Evo2Config.preset("evo2-40b-8k").pattern(), Evo2Config.preset("evo2-40b-1m").pattern());
        for (String name : Evo2Config.PRESETS) {
            Evo2Config c = Evo2Config.preset(name);
            assertEquals(name, c.modelName());
            assertEquals(128, c.headDim(), name);
            assertTrue(c.problems().isEmpty(), name);
        }
        assertEquals(1.0, Evo2Config.preset("evo2-7b-8k").ropeScale());
        assertEquals(32.0, Evo2Config.preset("evo2-7b-262k").ropeScale());
        assertEquals(128.0, Evo2Config.preset("evo2-7b-1m").ropeScale());
        assertEquals(128.0, Evo2Config.preset("evo2-20b-1m").ropeScale());
        assertEquals(1.0, Evo2Config.preset("evo2-40b-8k").ropeScale());
        assertEquals(1e6, Evo2Config.preset("evo2-40b-1m").rotaryEmbBase());
        assertEquals(List.of("evo2-7b-8k", "evo2-7b-262k"), Evo2Config.preset("evo2-7b-8k").matchingPresets());
        assertThrows(IllegalArgumentException.class, () -> Evo2Config.preset("evo2-3b"));
    }

    /** Spec §1.2: parameters computed from shapes, tied embedding counted once. */
    @Test
    void parameterCountsMatchTheSpecWithinHalfAPercent() {
        Map<String, Double> billions = Map.of("evo2-1b-8k", 1.108, "evo2-7b-8k", 6.481, "evo2-7b-262k", 6.481,
                "evo2-7b-1m", 6.582, "evo2-20b-1m", 19.74, "evo2-40b-8k", 40.33, "evo2-40b-1m", 41.12);
        billions.forEach((name, b) -> {
            double got = Evo2Config.preset(name).parameterCount() / 1e9;
            assertEquals(b, got, b * 0.005, name);
        });
    }

    @Test
    void mlpWidthComesFromTheCheckpoint() {
        Evo2Config c = Evo2Config.preset("evo2-7b-8k");
        assertEquals(11008, c.mlpInnerSize());
        Evo2Config padded = c.withInnerMlpSizeFrom(Map.of("blocks.0.mlp.l1.weight", new long[] {11264, 4096}));
        assertEquals(11264, padded.mlpInnerSize());
        assertEquals(Evo2Config.preset("evo2-7b-1m").parameterCount(), padded.parameterCount());
        assertEquals(c, c.withInnerMlpSizeFrom(Map.of()));
        // Without inner_mlp_size the vortex rule applies: 1B 5120, 40B 21888, 7B 10928 (spec §1.3).
        assertEquals(5120, ruleOnly("evo2-1b-8k").mlpInnerSize());
        assertEquals(21888, ruleOnly("evo2-40b-8k").mlpInnerSize());
        assertEquals(10928, ruleOnly("evo2-7b-8k").mlpInnerSize());
    }

    private static Evo2Config ruleOnly(String preset) {
        String yaml = Evo2Config.preset(preset).toYaml().replaceAll("(?m)^inner_mlp_size:.*\\n", "");
        Evo2Config c = Evo2Config.parse(yaml, preset + " without inner_mlp_size");
        assertNull(c.innerMlpSize());
        return c;
    }

    @Test
    void yamlRoundTrip() throws Exception {
        Evo2Config tiny = Evo2Config.load(golden("tiny.yml"));
        assertEquals(tiny, Evo2Config.parse(tiny.toYaml(), "round trip"));
        for (String name : Evo2Config.PRESETS) {
            Evo2Config p = Evo2Config.preset(name);
            assertEquals(p, Evo2Config.parse(p.toYaml(), name + " round trip"));
        }
    }

    @Test
    void fp8WarningForThe1B20BAnd40BOnly() {
        for (String name : List.of("evo2-1b-8k", "evo2-20b-1m", "evo2-40b-8k", "evo2-40b-1m")) {
            String w = Evo2Config.preset(name).fp8Warning("evo2_model.pt").orElseThrow(() -> new AssertionError(name));
            assertTrue(w.contains("FP8") && w.contains("7B"), w);
        }
        assertTrue(Evo2Config.preset("evo2-1b-8k").fp8Warning(null).orElseThrow().contains("1.24"));
        assertTrue(Evo2Config.preset("evo2-40b-1m").fp8Warning(null).orElseThrow().contains("1.70"));
        assertTrue(Evo2Config.preset("evo2-40b-1m").fp8Warning(null).orElseThrow().contains("evo2/40b-1m-fp8-bf16"));
        for (String name : List.of("evo2-7b-8k", "evo2-7b-262k", "evo2-7b-1m")) {
            assertTrue(Evo2Config.preset(name).fp8Warning("evo2_7b.pt").isEmpty(), name);
        }
        assertTrue(Evo2Config.preset("evo2-1b-8k").fp8Warning("evo2_1b_8k_bf16.pt").isEmpty());
    }

    @Test
    void everyProblemIsReportedAtOnce() throws IOException {
        String yaml = """
                model_name: broken
                vocab_size: 512
                hidden_size: 100
                num_layers: 4
                hcs_layer_idxs: [0, 1]
                hcm_layer_idxs: [1]
                hcl_layer_idxs: [5]
                attn_layer_idxs: []
                hcs_filter_length: 7
                hcs_filter_groups: 7
                hcm_filter_length: 128
                hcm_filter_groups: 10
                short_filter_length: 3
                state_size: 16
                num_attention_heads: 3
                eps: 1e-06
                """;
        Path f = tmp.resolve("broken.yml");
        Files.writeString(f, yaml);
        Evo2ConfigException e = assertThrows(Evo2ConfigException.class, () -> Evo2Config.load(f));
        String m = e.getMessage();
        assertTrue(m.contains("broken.yml"), m);
        assertTrue(m.contains("hidden_size 100 is not divisible by num_attention_heads 3"), m);
        assertTrue(m.contains("hcs_filter_groups 7"), m);
        assertTrue(m.contains("layer 1 is listed 2 times (hcs_layer_idxs, hcm_layer_idxs)"), m);
        assertTrue(m.contains("hcl_layer_idxs lists layer 5, outside 0..3"), m);
        assertTrue(m.contains("layers [2, 3] are in none"), m);
        assertTrue(m.contains("inner_size_multiple_of"), m);
        assertEquals(6, e.problems().size(), m);
    }

    @Test
    void missingAndMistypedFieldsAreNamedWithTheirLine() {
        String yaml = "model_name: x\nvocab_size: 512\nhidden_size: sixty-four\nnum_layers: 1\n"
                + "hcs_layer_idxs: [0]\nhcm_layer_idxs: []\nhcl_layer_idxs: []\nattn_layer_idxs: []\n"
                + "hcs_filter_length: 7\nhcs_filter_groups: 1\nhcm_filter_length: 128\n"
                + "short_filter_length: 3\nstate_size: 16\nnum_attention_heads: 1\neps: 1.0e-6\n"
                + "tie_embeddings: maybe\nsome_new_switch: 3\n";
        Evo2ConfigException e = assertThrows(Evo2ConfigException.class, () -> Evo2Config.parse(yaml, "my.yml"));
        assertEquals(java.util.Set.of("missing required field 'hcm_filter_groups'",
                "line 3: field 'hidden_size' must be an integer, got 'sixty-four'",
                "line 16: field 'tie_embeddings' must be true or false, got 'maybe'"),
                java.util.Set.copyOf(e.problems()));
        assertEquals(3, e.problems().size());
        assertTrue(e.getMessage().startsWith("my.yml: "), e.getMessage());
        Evo2ConfigException dup = assertThrows(Evo2ConfigException.class,
                () -> Evo2Config.parse("vocab_size: 1\nvocab_size: 2\n", "dup.yml"));
        assertTrue(dup.getMessage().contains("dup.yml") && dup.getMessage().contains("line 2"), dup.getMessage());
    }

    @Test
    void unknownKeysAreKept() {
        String yaml = Evo2Config.preset("evo2-7b-8k").toYaml() + "my_lab_note: trained on phages\n";
        Evo2Config c = Evo2Config.parse(yaml, "with note");
        assertEquals("trained on phages", c.other().get("my_lab_note"));
    }

    /** docs/decisions/0002-checkpoint-memory.md: the 7B loads into fp16 within 24 GB, not into fp32. */
    @Test
    void memoryNeededPerPrecision() {
        Evo2Config c7 = Evo2Config.preset("evo2-7b-1m");
        long gib = 1L << 30;
        assertEquals(c7.parameterCount() * 2, c7.weightBytes(WeightPrecision.FP16));
        assertTrue(c7.loadPeakBytes(WeightPrecision.FP16) + gib < 24 * 1_000_000_000L);
        assertTrue(c7.loadPeakBytes(WeightPrecision.FP32) > 24 * 1_000_000_000L);
        // staging: the largest 7B tensor is a 3D × D input projection (hyena projections, attention Wqkv)
        assertEquals(12288L * 4096 * (4 + 2), c7.loadPeakBytes(WeightPrecision.FP16) - c7.weightBytes(WeightPrecision.FP16));
    }
}
