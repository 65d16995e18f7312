package org.evo2wb.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.evo2wb.app.TestData;
import org.evo2wb.app.TestModels;
import org.evo2wb.engine.load.DefaultModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code evo2wb selftest}: the stored expectations beside the bundled and the tiny model, and changed weights. */
class SelfTestCommandTest {

    private static final Pattern MAX = Pattern.compile("max deviation ([0-9.e+-]+) nats");

    @TempDir
    Path tmp;

    @Test
    void theBundledModelPassesWithoutNamingIt() {
        String before = System.getProperty(DefaultModel.PROPERTY);
        System.clearProperty(DefaultModel.PROPERTY);
        try {
            Cli.Run r = Cli.run("selftest", "--device", "cpu");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().startsWith("Self-test passed: 6 of 6 sequences within tolerance; max deviation "),
                    r.out());
            assertTrue(r.out().contains("selftest.tsv"), r.out());
            assertTrue(maxDeviation(r.out()) < 1e-4, r.out());
        } finally {
            if (before != null) {
                System.setProperty(DefaultModel.PROPERTY, before);
            }
        }
    }

    @Test
    void theTinyModelPassesAndChangedWeightsFail() throws Exception {
        Cli.Run r = Cli.run("selftest", "--model", TestData.tinyCheckpoint(), "--device", "cpu");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("Self-test passed: 6 of 6 sequences within tolerance"), r.out());
        assertEquals(7, r.out().lines().count(), "the verdict and one line per sequence");

        Path same = TestModels.scaledTiny(Files.createDirectories(tmp.resolve("same")), 1.0f);
        Files.copy(TestData.tinyCheckpoint().resolveSibling("selftest.tsv"), same.resolveSibling("selftest.tsv"));
        r = Cli.run("selftest", "--model", same, "--device", "cpu");
        assertEquals(0, r.exit(), "the same weights as fp32 safetensors: " + r);

        Path scaled = TestModels.scaledTiny(Files.createDirectories(tmp.resolve("scaled")), 1.05f);
        Path expectations = Files.copy(TestData.tinyCheckpoint().resolveSibling("selftest.tsv"),
                scaled.resolveSibling("tiny-scaled.selftest.tsv"));
        r = Cli.run("selftest", "--model", scaled, "--device", "cpu");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.out().startsWith("Self-test FAILED: "), r.out());
        assertTrue(r.out().contains("(" + expectations + ")"), r.out());
        assertTrue(r.out().contains("FAIL  acgt-prefix"), r.out());
        assertTrue(maxDeviation(r.out()) > 1e-2, r.out());
    }

    @Test
    void aModelWithoutStoredValuesIsNamed() throws Exception {
        Path alone = Files.copy(Cli.tinyModel(), Files.createDirectories(tmp.resolve("m")).resolve("tiny.pt"));
        Files.copy(Cli.tinyConfig(), alone.resolveSibling("tiny.yml"));
        Cli.Run r = Cli.run("selftest", "--model", alone, "--device", "cpu");
        assertEquals(1, r.exit(), r.toString());
        assertEquals("evo2wb selftest: no self-test values are stored with " + alone + " (looked for "
                + "tiny.selftest.tsv and selftest.tsv next to it); nothing to compare with", r.err().trim());

        Files.writeString(alone.resolveSibling("selftest.tsv"), "id\tsequence\n");
        r = Cli.run("selftest", "--model", alone, "--device", "cpu");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains(alone.resolveSibling("selftest.tsv") + ", line 1: expected the header"),
                r.err());
    }

    private static double maxDeviation(String out) {
        Matcher m = MAX.matcher(out);
        assertTrue(m.find(), out);
        return Double.parseDouble(m.group(1));
    }
}
