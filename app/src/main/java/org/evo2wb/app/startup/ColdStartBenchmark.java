package org.evo2wb.app.startup;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Starts the workbench in fresh JVMs, as a user's double click does, and reports how long each took to draw its
 * window, to answer its first event (interactive) and to load the bundled default model; prints each start, the
 * medians and where the time went (each step of {@link StartupReport}). Started directly with {@code java}, or
 * through the {@code ./evo2wb} launcher of a checkout (its build check and JVM settings included). The workbench
 * needs a display (on a server: {@code xvfb-run}).
 */
public final class ColdStartBenchmark {

    /** The steps of a start, in order, with the words the table uses. */
    static final Map<String, String> STEPS = steps();

    /** One start: milliseconds from launching to each step of {@link StartupReport} (missing: not reached). */
    public record Start(Map<String, Long> ms) {
        public long firstFrameMs() {
            return at(StartupReport.FIRST_FRAME);
        }

        public long interactiveMs() {
            return at(StartupReport.INTERACTIVE);
        }

        public long modelLoadedMs() {
            return at(StartupReport.MODEL_LOADED);
        }

        /** Milliseconds to the step, -1 when it was not reached. */
        public long at(String step) {
            return ms.getOrDefault(step, -1L);
        }
    }

    private final List<String> extraJvmOptions;
    private final long timeoutSeconds;
    private final Path launcher;

    /**
     * @param extraJvmOptions options for the started JVMs (e.g. {@code -Dglass.platform=Monocle} for a headless run)
     * @param launcher the {@code evo2wb} launcher script to start the workbench with; null starts {@code java} directly
     */
    public ColdStartBenchmark(List<String> extraJvmOptions, long timeoutSeconds, Path launcher) {
        this.extraJvmOptions = List.copyOf(extraJvmOptions);
        this.timeoutSeconds = timeoutSeconds;
        this.launcher = launcher;
    }

    private static Map<String, String> steps() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put(StartupReport.JVM_STARTED, "JVM process started");
        s.put(StartupReport.MAIN, "main() entered");
        s.put(StartupReport.FX_STARTED, "JavaFX started the application");
        s.put(StartupReport.WINDOW_SHOWN, "window built and shown");
        s.put(StartupReport.FIRST_FRAME, "window drawn");
        s.put(StartupReport.INTERACTIVE, "interactive");
        s.put(StartupReport.PYTORCH_LOADED, "PyTorch library loaded");
        s.put(StartupReport.MODEL_LOAD_STARTED, "default model load started");
        s.put(StartupReport.MODEL_LOADED, "default model loaded");
        return s;
    }

    private List<String> command(Path report) {
        List<String> cmd = new ArrayList<>();
        if (launcher != null) {
            cmd.add(launcher.toString());
        } else {
            cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin",
                    "java").toString()));
            cmd.addAll(extraJvmOptions);
            cmd.add("-D" + StartupReport.PROPERTY + "=" + report);
            cmd.add("-Dai.djl.offline=true");
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add("org.evo2wb.app.cli.Evo2wbCli");
        }
        cmd.add("gui");
        return cmd;
    }

    /** One cold start. */
    public Start once() throws IOException, InterruptedException {
        Path report = Files.createTempFile("evo2wb-startup", ".properties");
        Files.delete(report);
        ProcessBuilder pb = new ProcessBuilder(command(report)).redirectErrorStream(true);
        pb.environment().put("DJL_OFFLINE", "true");
        if (launcher != null) {
            List<String> opts = new ArrayList<>(extraJvmOptions);
            opts.add("-D" + StartupReport.PROPERTY + "=" + report);
            String user = pb.environment().getOrDefault("JAVA_OPTS", "");
            pb.environment().put("JAVA_OPTS", (user.isBlank() ? "" : user + " ") + String.join(" ", opts));
        }
        long launched = System.currentTimeMillis();
        Process p = pb.start();
        StringBuilder output = new StringBuilder();
        Thread drain = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                output.append(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the process ended
            }
        });
        drain.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            drain.join(5000);
            throw new IOException("the workbench did not report its start-up within " + timeoutSeconds + " s"
                    + tail(output.toString()));
        }
        drain.join(5000);
        if (!Files.isRegularFile(report)) {
            throw new IOException("the workbench exited (code " + p.exitValue() + ") without reporting its start-up"
                    + (System.getenv("DISPLAY") == null ? "; there is no display: run under xvfb-run" : "")
                    + tail(output.toString()));
        }
        Properties t = new Properties();
        try (InputStream in = Files.newInputStream(report)) {
            t.load(in);
        }
        Files.deleteIfExists(report);
        Map<String, Long> ms = new LinkedHashMap<>();
        for (String step : STEPS.keySet()) {
            String v = t.getProperty(step);
            if (v != null) {
                ms.put(step, Long.parseLong(v) - launched);
            }
        }
        return new Start(ms);
    }

    private static String tail(String s) {
        String trimmed = s.strip();
        return trimmed.isEmpty() ? "" : "\n" + trimmed.substring(Math.max(0, trimmed.length() - 2000));
    }

    /** Runs {@code runs} starts and prints each, the medians and each step's median. Returns the medians. */
    public Start run(int runs, PrintWriter out) throws IOException, InterruptedException {
        List<Start> all = new ArrayList<>();
        out.println("start  window drawn  interactive  default model loaded  (ms from launching "
                + (launcher == null ? "the JVM" : launcher.getFileName()) + ")");
        for (int i = 0; i < runs; i++) {
            Start s = once();
            all.add(s);
            out.printf(Locale.ROOT, "%5d  %12d  %11d  %20s%n", i + 1, s.firstFrameMs(), s.interactiveMs(),
                    s.modelLoadedMs() < 0 ? "not loaded" : Long.toString(s.modelLoadedMs()));
            out.flush();
        }
        Map<String, Long> medians = new LinkedHashMap<>();
        for (String step : STEPS.keySet()) {
            long[] v = all.stream().mapToLong(s -> s.at(step)).filter(x -> x >= 0).toArray();
            if (v.length > 0) {
                medians.put(step, median(v));
            }
        }
        Start m = new Start(medians);
        out.printf(Locale.ROOT, "median %11d  %11d  %20s%n", m.firstFrameMs(), m.interactiveMs(),
                m.modelLoadedMs() < 0 ? "not loaded" : Long.toString(m.modelLoadedMs()));
        out.println("where the time goes (medians, ms from launching):");
        medians.forEach((step, ms) -> out.printf(Locale.ROOT, "  %-32s %7d%n", STEPS.get(step), ms));
        out.printf(Locale.ROOT, "cold start to an interactive window: %.2f s (median of %d, %d cores)%n",
                m.interactiveMs() / 1000.0, runs, Runtime.getRuntime().availableProcessors());
        out.flush();
        return m;
    }

    static long median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s.length == 0 ? -1 : s[s.length / 2];
    }
}
