package org.evo2wb.app.models;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.evo2wb.engine.hub.WorkbenchFolders;

/**
 * Runs the start-up device check as the next start of the workbench will: {@code evo2wb devices} in a fresh Java
 * process with this one's Java and class path (or, in the installed application, through its own launcher) (so the GPU runtime recorded by the set-up is picked up exactly as at
 * a start), and returns what it printed. A PyTorch engine already loaded in this process cannot be swapped, so the
 * check after a GPU set-up needs a new process.
 */
public final class FreshStartCheck {

    /**
     * What the check printed.
     *
     * @param exit the exit status of {@code evo2wb devices} (-1 when it did not end in time)
     * @param output its standard output and error
     */
    public record Result(int exit, String output) {

        public boolean passed() {
            return exit == 0 && output.lines().anyMatch(l -> l.startsWith("gpu:") )
                    && output.lines().noneMatch(l -> l.contains("check: FAILED"));
        }
    }

    private FreshStartCheck() {}

    /** Runs it, waiting at most {@code timeout}. */
    public static Result run(Duration timeout) throws IOException {
        String program = ProcessHandle.current().info().command().orElse("java");
        String name = Path.of(program).getFileName().toString();
        List<String> cmd = new ArrayList<>(List.of(program));
        if (name.equals("java") || name.equals("java.exe")) {
            cmd.add("-Dai.djl.offline=true");
            String home = System.getProperty(WorkbenchFolders.PROPERTY);
            if (home != null) {
                cmd.add("-D" + WorkbenchFolders.PROPERTY + "=" + home);
            }
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.evo2wb.app.cli.Evo2wbCli"));
        }
        // else the installed application's own launcher, which starts Evo2wbCli with its Java options
        cmd.add("devices");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DJL_OFFLINE", "true");
        Path out = Files.createTempFile("evo2wb-devices", ".txt");
        try {
            Process p = pb.redirectOutput(out.toFile()).start();
            boolean ended = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                p.destroyForcibly();
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            return new Result(ended ? p.exitValue() : -1, text.lines()
                    .filter(l -> !l.startsWith("[main] ") && !l.contains(" INFO ") && !l.contains(" WARN "))
                    .reduce("", (a, b) -> a + b + System.lineSeparator()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while checking the devices", e);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
