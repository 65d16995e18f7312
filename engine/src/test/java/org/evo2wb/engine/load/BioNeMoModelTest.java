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
import java.util.Map;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.TorchCheckpoint;
import org.evo2wb.engine.config.Evo2Config;
import org.evo2wb.engine.model.GradMode;
import org.evo2wb.engine.model.ModelArchitecture;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.StripedHyena;
import org.junit.jupiter.api.Test;

/**
 * {@code --model} with a BioNeMo checkpoint of the golden tiny model: the logits in fp32 equal, within 1e-5, those of
 * tiny.pt with the tensors the recipe computes (RoPE inv_freq in fp32, the medium filter h·decay, the long filter's
 * poles) as PyTorch computed them (expected.pt).
 */
class BioNeMoModelTest {

    private static final double TOLERANCE = 1e-5;

    @Test
    void megatronBridgeFolderGivesTheGoldenLogits() throws IOException {
        ModelSpec.Resolved r = new ModelSpec(path("/bionemo-fixtures/generated/mbridge").toString(), null).resolve();
        assertTrue(r.configOrigin().contains("run_config.yaml"), r.configOrigin());
        double err = maxLogitDifference(r);
        System.out.printf("Megatron Bridge tiny vs tiny.pt (fp32 RoPE): max |dlogit| %.3g%n", err);
        assertTrue(err <= TOLERANCE, "max logit difference " + err);
    }

    @Test
    void savannaFileWithAGivenConfigGivesTheGoldenLogits() throws IOException {
        ModelSpec.Resolved r = new ModelSpec(path("/bionemo-fixtures/generated/savanna/global_step10/"
                + "mp_rank_00_model_states.pt").toString(), path("/golden/tiny.yml").toString()).resolve();
        double err = maxLogitDifference(r);
        System.out.printf("Savanna tiny vs tiny.pt (fp32 RoPE): max |dlogit| %.3g%n", err);
        assertTrue(err <= TOLERANCE, "max logit difference " + err);
    }

    @Test
    void aBaseModelIsOnlyForALoraFolder() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ModelSpec(
                path("/golden/tiny.pt").toString(), null, org.evo2wb.engine.checkpoint.Integrity.CHECKED,
                path("/bionemo-fixtures/generated/mbridge").toString()).resolve());
        assertTrue(e.getMessage().contains("LoRA"), e.getMessage());
    }

    @Test
    void fineTuningFromABioNeMoFolderAsksForAWeightsFile() throws IOException {
        ModelSpec.Resolved r = new ModelSpec(path("/bionemo-fixtures/generated/mbridge").toString(), null).resolve();
        IOException e = assertThrows(IOException.class, r::describe);
        assertTrue(e.getMessage().contains("BioNeMo"), e.getMessage());
    }

    private static double maxLogitDifference(ModelSpec.Resolved r) throws IOException {
        Map<String, HostTensor> ref = new LinkedHashMap<>(TorchCheckpoint.readTensors(path("/golden/tiny.pt")));
        ref.putAll(TorchCheckpoint.readTensors(path("/bionemo-fixtures/generated/expected.pt")));
        Evo2Config tiny = Evo2Config.load(path("/golden/tiny.yml"));
        HostTensor ids;
        try (TorchCheckpoint c = TorchCheckpoint.open(path("/golden/tiny_ids.pt"))) {
            ids = c.singleTensor();
        }
        try (GradMode g = GradMode.disabled();
             StripedHyena want = StripedHyena.fromTensors("tiny.pt + expected.pt", ref, ModelArchitecture.of(tiny),
                     Device.cpu(), Precision.FP32);
             StripedHyena got = r.load(Device.cpu(), Precision.FP32);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray tok = m.create(ids.toLongArray(), new Shape(ids.shape()));
            float[] a = want.forward(tok).toFloatArray();
            NDArray gl = got.forward(tok);
            assertEquals(new Shape(2, 300, 512), gl.getShape());
            float[] b = gl.toFloatArray();
            double max = 0;
            for (int i = 0; i < a.length; i++) {
                max = Math.max(max, Math.abs(a[i] - b[i]));
            }
            return max;
        }
    }

    private static Path path(String resource) {
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
