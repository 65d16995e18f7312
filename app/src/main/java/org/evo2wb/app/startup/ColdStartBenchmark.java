package org.evo2wb.app.startup;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Starts the workbench in fresh JVMs, as a user's double click does, and reports how long each took to draw its
 * window, to answer its first event (interactive) and to load the bundled default model; prints each start and the
 * medians. The workbench needs a display (on a server: {@code xvfb-run}).
 */
public final class ColdStartBenchmark {

    /** One start, in milliseconds from launching the JVM. */
    public record Start(long firstFrameMs, long interactiveMs, long modelLoadedMs) {}

    private final List<String> javaCommand;
    private final List<String> extraJvmOptions;
    private final long timeoutSeconds;

    /**
     * @param extraJvmOptions options for the started JVMs (e.g. {@code -Dglass.platform=Monocle} for a headless run)
     */
    public ColdStartBenchmark(List<String> extraJvmOptions, long timeoutSeconds) {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin",
                "java").toString());
        this.javaCommand = List.of(java);
        this.extraJvmOptions = List.copyOf(extraJvmOptions);
        this.timeoutSeconds = timeoutSeconds;
    }

    /** One cold start. */
    public Start once() throws IOException, InterruptedException {
        Path report = Files.createTempFile("evo2wb-startup", ".properties");
        Files.delete(report);
        List<String> cmd = new ArrayList<>(javaCommand);
        cmd.addAll(extraJvmOptions);
        cmd.add("-D" + StartupReport.PROPERTY + "=" + report);
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("org.evo2wb.app.cli.Evo2wbCli");
        cmd.add("gui");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DJL_OFFLINE", "true");
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
        return new Start(since(t, StartupReport.FIRST_FRAME, launched), since(t, StartupReport.INTERACTIVE, launched),
                since(t, StartupReport.MODEL_LOADED, launched));
    }

    private static long since(Properties t, String key, long launched) {
        String v = t.getProperty(key);
        return v == null ? -1 : Long.parseLong(v) - launched;
    }

    private static String tail(String s) {
        String trimmed = s.strip();
        return trimmed.isEmpty() ? "" : "\n" + trimmed.substring(Math.max(0, trimmed.length() - 2000));
    }

    /** Runs {@code runs} starts and prints each and the medians. Returns the medians. */
    public Start run(int runs, PrintWriter out) throws IOException, InterruptedException {
        List<Start> all = new ArrayList<>();
        out.println("start  window drawn  interactive  default model loaded  (ms from launching the JVM)");
        for (int i = 0; i < runs; i++) {
            Start s = once();
            all.add(s);
            out.printf(Locale.ROOT, "%5d  %12d  %11d  %20s%n", i + 1, s.firstFrameMs(), s.interactiveMs(),
                    s.modelLoadedMs() < 0 ? "not loaded" : Long.toString(s.modelLoadedMs()));
            out.flush();
        }
        Start m = new Start(median(all.stream().mapToLong(Start::firstFrameMs).toArray()),
                median(all.stream().mapToLong(Start::interactiveMs).toArray()),
                median(all.stream().mapToLong(Start::modelLoadedMs).toArray()));
        out.printf(Locale.ROOT, "median %11d  %11d  %20s%n", m.firstFrameMs(), m.interactiveMs(),
                m.modelLoadedMs() < 0 ? "not loaded" : Long.toString(m.modelLoadedMs()));
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
