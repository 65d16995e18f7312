package org.evo2wb.engine.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.Integrity;
import org.evo2wb.engine.checkpoint.TorchCheckpoint;
import org.evo2wb.engine.load.bionemo.BioNeMoCheckpoint;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.model.GradMode;
import org.evo2wb.engine.model.ModelArchitecture;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.StripedHyena;
import org.junit.jupiter.api.Test;

/**
 * {@code --model} with a BioNeMo checkpoint of the golden tiny model, fp32 logits of its 2 × 300 golden tokens.
 *
 * <p>Against tiny.pt with the tensors the recipe computes (RoPE inv_freq in fp32, the medium filter h·decay, the
 * long filter's poles) taken from the checkpoint as read: within 1e-5, so the mapping of every copied tensor is exact.
 * Against tiny.pt with PyTorch's own values of those tensors (expected.pt, equal to ours within 1e-6 relative): within
 * 1e-6 of the largest logit (|logit| reaches 38; a last-bit difference in a pole moves the logits by about 2e-5).
 */
class BioNeMoModelTest {

    private static final double TOLERANCE = 1e-5;

    /** The tensors computed from the checkpoint rather than copied. */
    private static final List<String> COMPUTED = List.of("blocks.1.filter.h", "blocks.2.filter.log_poles",
            "blocks.2.filter.residues", "blocks.3.inner_mha_cls.rotary_emb.inv_freq");

    @Test
    void megatronBridgeFolderGivesTheGoldenLogits() throws IOException {
        Path folder = path("/bionemo-fixtures/generated/mbridge");
        ModelSpec.Resolved r = new ModelSpec(folder.toString(), null).resolve();
        assertTrue(r.configOrigin().contains("run_config.yaml"), r.configOrigin());
        Map<String, HostTensor> own;
        try (BioNeMoCheckpoint c = BioNeMoCheckpoint.open(folder, Integrity.CHECKED, null, null)) {
            own = computed(c);
        }
        check("Megatron Bridge", r, own);
    }

    @Test
    void savannaFileWithAGivenConfigGivesTheGoldenLogits() throws IOException {
        Path file = path("/bionemo-fixtures/generated/savanna/global_step10/mp_rank_00_model_states.pt");
        Path yml = path("/golden/tiny.yml");
        ModelSpec.Resolved r = new ModelSpec(file.toString(), yml.toString()).resolve();
        Map<String, HostTensor> own;
        try (BioNeMoCheckpoint c = BioNeMoCheckpoint.open(file, Integrity.CHECKED, Evo2Config.load(yml), null)) {
            own = computed(c);
        }
        check("Savanna", r, own);
    }

    private static void check(String what, ModelSpec.Resolved r, Map<String, HostTensor> own) throws IOException {
        float[] got = logits(r, null);
        double[] exact = difference(logits(null, own), got);
        double[] torch = difference(logits(null, TorchCheckpoint.readTensors(
                path("/bionemo-fixtures/generated/expected.pt"))), got);
        System.out.printf("%s tiny: max |dlogit| %.3g against tiny.pt with its own computed tensors, %.3g against "
                + "tiny.pt with PyTorch's (max |logit| %.1f)%n", what, exact[0], torch[0], torch[1]);
        assertTrue(exact[0] <= TOLERANCE, "max logit difference " + exact[0]);
        assertTrue(torch[0] <= 1e-6 * torch[1], "max logit difference " + torch[0] + " of " + torch[1]);
    }

    private static Map<String, HostTensor> computed(BioNeMoCheckpoint c) throws IOException {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (String k : COMPUTED) {
            out.put(k, c.tensor(k));
        }
        return out;
    }

    /** {max |a − b|, max |a|}. */
    private static double[] difference(float[] a, float[] b) {
        double max = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(a[i]));
        }
        return new double[] {max, scale};
    }

    @Test
    void aBaseModelIsOnlyForALoraFolder() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ModelSpec(
                path("/golden/tiny.pt").toString(), null, Integrity.CHECKED, "base-model-folder").resolve());
        assertTrue(e.getMessage().contains("LoRA"), e.getMessage());
    }

    @Test
    void fineTuningFromABioNeMoFolderAsksForAWeightsFile() throws IOException {
        ModelSpec.Resolved r = new ModelSpec(path("/bionemo-fixtures/generated/mbridge").toString(), null).resolve();
        IOException e = assertThrows(IOException.class, r::describe);
        assertTrue(e.getMessage().contains("BioNeMo"), e.getMessage());
    }

    /** Logits of the golden tokens: of {@code r}, or of tiny.pt with {@code overrides} replacing its tensors. */
    private static float[] logits(ModelSpec.Resolved r, Map<String, HostTensor> overrides) throws IOException {
        HostTensor ids;
        try (TorchCheckpoint c = TorchCheckpoint.open(path("/golden/tiny_ids.pt"))) {
            ids = c.singleTensor();
        }
        try (GradMode g = GradMode.disabled();
             StripedHyena model = r != null ? r.load(Device.cpu(), Precision.FP32) : golden(overrides);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray out = model.forward(m.create(ids.toLongArray(), new Shape(ids.shape())));
            assertEquals(new Shape(2, 300, 512), out.getShape());
            return out.toFloatArray();
        }
    }

    private static StripedHyena golden(Map<String, HostTensor> overrides) throws IOException {
        Map<String, HostTensor> ref = new LinkedHashMap<>(TorchCheckpoint.readTensors(path("/golden/tiny.pt")));
        ref.putAll(overrides);
        return StripedHyena.fromTensors("tiny.pt", ref, ModelArchitecture.of(Evo2Config.load(path("/golden/tiny.yml"))),
                Device.cpu(), Precision.FP32);
    }

    private static Path path(String resource) {
        if (resource.startsWith("/bionemo-fixtures/")) {
            org.junit.jupiter.api.Assumptions.assumeTrue(
                    BioNeMoModelTest.class.getResource("/bionemo-fixtures/generated/MANIFEST.txt") != null,
                    "BioNeMo fixtures not generated: run make_fixtures.py (needs PyTorch)");
        }
        try {
            var url = BioNeMoModelTest.class.getResource(resource);
            if (url == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
