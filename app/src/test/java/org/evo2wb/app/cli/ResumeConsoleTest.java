package org.evo2wb.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Resuming a fine-tuning run prints only the workbench's own lines: nothing from PyTorch's native code (such as its
 * "AutoNonVariableTypeMode is deprecated" warning, which DJL's {@code NDArray.set(float[])} caused when the saved
 * adapters or optimiser state were copied back). Native code writes straight to the process's stderr and warns once
 * per process, so each command runs in a fresh JVM and the whole console is read.
 */
class ResumeConsoleTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"lora", "full"})
    void resumingPrintsNoNativeWarning(String method) throws Exception {
        Path train = Cli.fasta(tmp.resolve("train.fasta"), Cli.cds().subList(0, 6), 300);
        Path val = Cli.fasta(tmp.resolve("val.fasta"), Cli.cds().subList(6, 8), 200);
        Path run = tmp.resolve("run");
        // the time limit of 1 ms stops the run after its first step, as a stop by the user would
        String first = evo2wb("finetune", "--model", Cli.tinyModel().toString(), "--train", train.toString(),
                "--val", val.toString(), "--run-dir", run.toString(), "--method", method, "--window", "64",
                "--batch", "2", "--steps", "3", "--eval-every", "2", "--eval-batches", "1", "--device", "cpu",
                "--seed", "7", "--max-time", "0.001s");
        assertTrue(first.contains("reached the time limit of 0.001s at step 1 of 3"), first);

        String resumed = evo2wb("finetune", "--resume", run.toString(), "--max-time", "0");
        assertTrue(resumed.contains("training: resuming at step 1 of 3"), resumed);
        assertTrue(resumed.contains("step 3/3 ["), resumed);
        for (String line : resumed.lines().toList()) {
            assertTrue(!line.startsWith("[W") && !line.contains("Warning:") && !line.contains("deprecated"),
                    "a native line on the console: " + line + "\n" + resumed);
        }
    }

    /** Runs the command in a fresh JVM as the launcher does; returns its stdout and stderr together. */
    private static String evo2wb(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                Evo2wbCli.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DJL_OFFLINE", "true");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", args) + "\n" + out);
        return out;
    }
}
