package org.evo2wb.engine.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.evo2wb.engine.lora.TinyModel;
import org.evo2wb.engine.model.StripedHyena;
import org.junit.jupiter.api.Test;

/** The stage profile of the tiny golden model: every stage of every block kind, adding up to the timed passes. */
class StageProfileTest {

    @Test
    void everyStageOfEveryBlockKindIsTimedAndTheyAddUp() throws Exception {
        try (StripedHyena model = TinyModel.load(); NDManager m = NDManager.newBaseManager(Device.cpu())) {
            long[] ids = new long[2 * 96];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = "ACGT".charAt((i * 7 + 3) % 4);
            }
            StageProfile p = StageProfile.run(model, m.create(ids, new Shape(2, 96)), 1, 2);
            Map<String, Double> s = p.secondsPerForward();
            // tiny: hcs, hcm, hcl, attention, hcs
            for (String stage : new String[] {"embedding", "* pre_norm", "* post_norm", "* mlp", "* out",
                "hcs projections", "hcs short_conv", "hcs filter", "hcs out_filter_dense", "hcm filter",
                "hcl filter", "attn attn", "attn out_proj", "final_norm", "logits", "head"}) {
                assertTrue(s.containsKey(stage), stage + " in " + s.keySet());
                assertTrue(s.get(stage) >= 0, stage);
            }
            // embedding, final_norm, logits, head; four stages of every block; four per Hyena kind, two of attention
            assertEquals(4 + 4 + 3 * 4 + 2, s.size(), s.keySet().toString());
            double sum = s.values().stream().mapToDouble(Double::doubleValue).sum();
            String table = p.format();
            assertTrue(sum <= p.totalSeconds() + 1e-3 && sum >= 0.9 * p.totalSeconds(), table);
        }
    }
}
