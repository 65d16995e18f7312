package org.evo2wb.app.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.evo2wb.app.TestData;
import org.evo2wb.engine.task.TaskStatus;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the Models view's background task finds in a path the user opened. */
class OpenModelTaskTest {

    private static OpenModelTask run(Path path, Path base) {
        OpenModelTask t = new OpenModelTask(path, base);
        t.run();
        return t;
    }

    private static Throwable failure(OpenModelTask t) {
        assertEquals(TaskStatus.FAILED, t.status());
        return t.result().handle((v, e) -> e).join();
    }

    @Test
    void aBioNeMoLoraFolderWithoutItsBaseModelAsksForItThenOpensWithTheChosenOne(@TempDir Path dir)
            throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(TestData.bioNeMoFixtures().resolve("MANIFEST.txt")),
                "BioNeMo fixtures not generated: run make_fixtures.py (needs PyTorch)");
        Path lora = TestData.bioNeMoLora(dir, "/cluster/results/evo2_base");

        OpenModelTask.Opened asked = run(lora, null).result().join();
        assertNull(asked.source());
        assertEquals("/cluster/results/evo2_base", asked.missingBase());

        Throwable refused = failure(run(lora, dir));
        OpenModelTask.NotOpened n = assertInstanceOf(OpenModelTask.NotOpened.class, refused);
        assertEquals("the BioNeMo checkpoint", n.what());
        assertTrue(n.getMessage().startsWith(dir + ": not a Megatron Bridge checkpoint folder"), n.getMessage());

        OpenModelTask.Opened opened = run(lora, TestData.bioNeMoFixtures().resolve("mbridge")).result().join();
        assertNull(opened.missingBase());
        assertEquals(new ModelSource(ModelSource.Kind.FILE, "lora", lora, null, null), opened.source());
        // the chosen base model is remembered for this folder: opening it again asks nothing
        assertEquals(opened, run(lora, null).result().join());
    }

    @Test
    void aFolderThatIsNoRunIsRefusedAsARunAndAFileIsAWeightsFile(@TempDir Path dir) {
        OpenModelTask.NotOpened n = assertInstanceOf(OpenModelTask.NotOpened.class, failure(run(dir, null)));
        assertEquals("the run", n.what());
        assertEquals(dir.toAbsolutePath() + " is not a fine-tuning run folder: it has no run.json", n.getMessage());

        Path weights = TestData.tinyCheckpoint();
        OpenModelTask.Opened file = run(weights, null).result().join();
        assertEquals(ModelSource.fromCheckpoint(weights), file.source());
        assertEquals(weights.resolveSibling("tiny.yml"), file.source().config());
    }
}
