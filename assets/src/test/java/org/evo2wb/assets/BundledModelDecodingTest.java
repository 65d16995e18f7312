package org.evo2wb.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import org.evo2wb.bio.SequenceFiles;
import org.evo2wb.bio.SequenceRecord;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.generate.IncrementalDecoder;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.StripedHyena;
import org.junit.jupiter.api.Test;

/**
 * Step-by-step decoding of the bundled default model (hcs, hcm, hcl and attention blocks, fp32) equals its full
 * forward at every position of 1,000 bases of a held-out genome, from a one-base prompt and from a 300-base prompt.
 */
class BundledModelDecodingTest {

    static final int LENGTH = 1000;

    @Test
    void everyPositionMatchesTheFullForward() throws Exception {
        String folder = BundledDefaultModelTest.FOLDER;
        Evo2Config config = Evo2Config.load(BundledDefaultModelTest.resource(folder + "config.yml"));
        List<SequenceRecord> records = SequenceFiles.read(
                BundledDefaultModelTest.resource("saureus_N315_heldout_snippet.fa"));
        int[] ids = records.get(0).sequence().substring(0, LENGTH).chars().toArray();
        try (StripedHyena model = StripedHyena.load(BundledDefaultModelTest.resource(folder + "model.safetensors"),
                config, Device.cpu(), Precision.FP32);
             NDManager nd = NDManager.newBaseManager()) {
            NDArray logits = model.infer(nd.create(ids, new Shape(1, LENGTH)));
            int v = (int) logits.getShape().get(2);
            float[] full = logits.toFloatArray();
            for (int prompt : new int[] {1, 300}) {
                double worst = 0;
                try (IncrementalDecoder d = IncrementalDecoder.prefill(model, Arrays.copyOf(ids, prompt), 1, LENGTH)) {
                    float[] row = d.promptLogits()[0];
                    for (int t = prompt - 1; t < LENGTH; t++) {
                        for (int i = 0; i < v; i++) {
                            worst = Math.max(worst, Math.abs(row[i] - full[t * v + i]));
                        }
                        if (t + 1 < LENGTH) {
                            row = d.step(new int[] {ids[t + 1]})[0];
                        }
                    }
                    assertEquals(LENGTH, d.position());
                }
                System.out.printf("bundled model, prompt %d: max |dlogit| over %d positions %.3g%n", prompt, LENGTH,
                        worst);
                assertTrue(worst <= 1e-4, "prompt " + prompt + ": largest logit difference " + worst);
            }
        }
    }
}
