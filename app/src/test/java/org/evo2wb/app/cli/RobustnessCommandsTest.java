package org.evo2wb.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hidden robustness commands: {@code fuzz} runs and reports; both stay out of the command list. */
class RobustnessCommandsTest {

    @TempDir
    Path tmp;

    @Test
    void fuzzRunsTheGivenNumberOfInputsOverEveryReaderItHasSeedsFor() throws Exception {
        Path seeds = Files.createDirectories(tmp.resolve("seeds"));
        Files.copy(Cli.resource("data/biopython_pBAD30.gb.gz"), seeds.resolve("pBAD30.gb.gz"));
        Files.copy(Cli.tinyModel(), seeds.resolve("tiny.pt"));
        Cli.Run r = Cli.run("fuzz", "--seed", "3", "--executions", "40", "--timeout", "30", seeds);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("fuzzing with seed 3: 40 executions"), r.out());
        assertTrue(r.out().contains("genbank      1 seeds, 20 executions"), r.out());
        assertTrue(r.out().contains("pt           1 seeds, 20 executions"), r.out());
        assertTrue(r.out().contains("no findings"), r.out());
    }

    @Test
    void theRobustnessCommandsAreHiddenFromTheCommandList() {
        Cli.Run r = Cli.run("--help");
        assertFalse(r.out().contains("fuzz") || r.out().contains("crash-soak"), r.out());
        assertEquals(0, Cli.run("crash-soak", "--help").exit());
    }
}
