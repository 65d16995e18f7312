package org.evo2wb.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.evo2wb.engine.model.Evo2Config;
import org.junit.jupiter.api.Test;

class CheckpointKeysTest {

    @Test
    void tinyCheckpointFitsTheTinyConfigIgnoringTheDuplicateUnembedding() throws IOException {
        Evo2Config c = Evo2Config.load(Golden.path("tiny.yml"));
        try (CheckpointFile f = Checkpoints.open(Golden.path("tiny.pt"))) {
            assertEquals(List.of("unembed.weight"), CheckpointKeys.check(f, c.checkpointShapes(false)));
        }
    }

    @Test
    void allProblemsInOneMessage() throws IOException {
        Evo2Config c = Evo2Config.load(Golden.path("tiny.yml"));
        Map<String, long[]> file;
        try (CheckpointFile f = Checkpoints.open(Golden.path("tiny.pt"))) {
            file = new LinkedHashMap<>(f.shapes());
        }
        file.remove("blocks.1.filter.D");
        file.remove("norm.scale");
        file.put("blocks.0.mlp.l1.weight", new long[] {256, 64});
        file.put("lm_head.weight", new long[] {512, 64});
        // known leftovers of released files: skipped, not reported
        file.put("blocks.3.mixer.dense._extra_state", new long[] {0});
        file.put("blocks.2.mixer.mixer.filter.t", new long[] {1, 1, 8192});
        CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class,
                () -> CheckpointKeys.check("evo2_custom.pt", c.checkpointShapes(false), file));
        assertEquals(List.of("norm.scale [64]", "blocks.1.filter.D [64]"), e.missing());
        assertEquals(List.of("lm_head.weight [512, 64]"), e.unexpected());
        assertEquals(List.of("blocks.0.mlp.l1.weight: file has [256, 64], model expects [128, 64]"), e.misshaped());
        String m = e.getMessage();
        assertTrue(m.startsWith("evo2_custom.pt: checkpoint does not fit the model (2 missing, 1 unexpected, 1 with"), m);
        assertTrue(m.contains("missing: blocks.1.filter.D") && m.contains("unexpected: lm_head.weight")
                && m.contains("shape differs: blocks.0.mlp.l1.weight"), m);
        assertTrue(!m.contains("_extra_state") && !m.contains("filter.t"), m);
    }

    @Test
    void ignorableKeys() {
        for (String k : List.of("unembed.weight", "blocks.3.mixer.attn._extra_state", "blocks.0.mlp.l1._extra_state",
                "blocks.6.mixer.mixer.filter.t", "blocks.3.inner_mha_cls.Wqkv._extra_state",
                "blocks.0.projections._extra_state")) {
            assertTrue(CheckpointKeys.isIgnorable(k), k);
        }
        for (String k : List.of("embedding_layer.weight", "blocks.1.filter.h", "blocks.2.filter.D", "blocks.2.filter.tt")) {
            assertTrue(!CheckpointKeys.isIgnorable(k), k);
        }
    }
}
