package org.evo2wb.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.Safetensors;
import org.evo2wb.engine.train.run.CheckpointStore;
import org.evo2wb.engine.train.run.MetricsLog;
import org.evo2wb.engine.train.run.RunCurves;
import org.evo2wb.engine.train.run.RunFolder;
import org.evo2wb.engine.train.run.RunSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code evo2wb crash-soak} (hidden, for developers): fine-tunes in a child process, kills it with SIGKILL while it
 * trains (watching the run folder: every other kill as soon as a checkpoint write is seen under way, the others at a
 * random moment within one measured step-and-checkpoint span after the first new step; checkpoints are written every
 * step), resumes it each time, and at the end compares its per-step losses and final weights with an uninterrupted
 * run of the same settings; after every kill the run folder must open as the Fine-tune view opens it, and each kill
 * says whether it landed inside a checkpoint write.
 */
@Command(name = "crash-soak", hidden = true, mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Kill a fine-tuning run (SIGKILL) at random moments, resume it each time, and compare the "
                + "result with an uninterrupted run: losses and weights must agree within --tolerance.",
            "Exit code 0 when they agree and every run folder opened, 1 otherwise.",
            "Example: evo2wb crash-soak --model tiny.pt --config tiny.yml --train phages.fasta --kills 10 "
                    + "--work soak/"})
final class CrashSoakCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** The model to fine-tune, named as everywhere else; passed on to the child processes. */
    @Mixin
    ModelOptions model;

    @Option(names = "--train", required = true, paramLabel = "<file>", description = "Training sequences.")
    Path train;

    @Option(names = "--work", required = true, paramLabel = "<folder>",
            description = "New folder for the two run folders (reference and killed).")
    Path work;

    @Option(names = "--kills", defaultValue = "10", paramLabel = "<n>",
            description = "How many times to kill the run. Default: ${DEFAULT-VALUE}.")
    int kills;

    @Option(names = "--steps", defaultValue = "40", paramLabel = "<n>",
            description = "Steps of each run. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "<n>",
            description = "Seed of the kill times. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--tolerance", defaultValue = "1e-6", paramLabel = "<x>",
            description = "Largest difference of a loss or a weight. Default: ${DEFAULT-VALUE}.")
    double tolerance;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Files.createDirectories(work);
        Path reference = work.resolve("reference");
        Path killed = work.resolve("killed");
        if (Files.exists(reference) || Files.exists(killed)) {
            throw new IOException(work + ": already holds a reference or killed run; name a new folder");
        }
        long t0 = System.nanoTime();
        int rc = child(newRun(reference), work.resolve("reference.log")).waitFor();
        double referenceSeconds = (System.nanoTime() - t0) / 1e9;
        if (rc != 0) {
            throw new IOException("the reference run failed (exit code " + rc + "), see " + work.resolve("reference.log"));
        }
        out.printf(Locale.ROOT, "reference run: %d steps in %.1f s%n", steps, referenceSeconds);
        out.flush();
        SplittableRandom random = new SplittableRandom(seed);
        double stepSeconds = secondsPerStep(reference);
        out.printf(Locale.ROOT, "a step with its checkpoint takes %.3f s in the reference run%n", stepSeconds);
        List<String> problems = new ArrayList<>();
        int killedAt = 0;
        int inCheckpoint = 0;
        for (int k = 0; k <= kills; k++) {
            if (Files.exists(killed.resolve(RunFolder.RECORD)) && lastStep(killed) >= steps) {
                out.printf(Locale.ROOT, "the run finished after kill %d; no more kills%n", k - 1);
                break;
            }
            boolean last = k == kills;
            boolean started = Files.exists(killed.resolve(RunFolder.RECORD));
            List<String> args = started ? List.of("finetune", "--resume", killed.toString()) : newRun(killed);
            long before = lastStep(killed);
            Process p = child(args, work.resolve("killed-" + k + ".log"));
            String landed = "";
            if (last) {
                rc = p.waitFor();
                if (rc != 0) {
                    problems.add("the final resume failed (exit code " + rc + "), see killed-" + k + ".log");
                }
            } else {
                landed = killMidRun(p, killed, before, k % 2 == 0, stepSeconds, random);
                if (!landed.equals(ENDED)) {
                    killedAt++;
                }
                if (landed.equals(IN_CHECKPOINT)) {
                    inCheckpoint++;
                }
            }
            String opened = opens(killed);
            long step = lastStep(killed);
            out.printf(Locale.ROOT, "%s %d: %s at step %d; run folder %s%n", last ? "final resume" : "kill", k,
                    last ? "finished" : landed, step, opened.isEmpty() ? "opens" : "DOES NOT OPEN: " + opened);
            out.flush();
            if (!opened.isEmpty()) {
                problems.add("after kill " + k + ": " + opened);
            }
        }
        problems.addAll(compare(reference, killed, out));
        out.printf(Locale.ROOT, "%d kills (%d while training, %d of them during a checkpoint write), %s%n", kills,
                killedAt, inCheckpoint,
                problems.isEmpty() ? "losses and weights agree within " + tolerance : problems.size() + " problems:");
        problems.forEach(p -> out.println("  " + p));
        out.flush();
        return problems.isEmpty() ? Evo2wbCli.EXIT_OK : Evo2wbCli.EXIT_FAILED;
    }

    static final String ENDED = "ended before the kill";
    static final String IN_CHECKPOINT = "killed during a checkpoint write";
    static final String IN_STEP = "killed between checkpoint writes";

    /**
     * Kills {@code p} once it is training: after its first new step, either as soon as a checkpoint write is seen
     * under way (its hidden temporary folder exists; {@code atCheckpoint}) or at a random moment within one
     * measured step-and-checkpoint span. Says where the kill landed, judged from the run folder afterwards: a
     * temporary checkpoint folder left behind means it landed inside a checkpoint write.
     */
    private static String killMidRun(Process p, Path run, long before, boolean atCheckpoint, double stepSeconds,
                                      SplittableRandom random) throws IOException, InterruptedException {
        Path checkpoints = run.resolve(RunFolder.CHECKPOINTS);
        while (p.isAlive() && lastStep(run) <= before) {
            Thread.sleep(2);
        }
        if (!p.isAlive()) {
            return ENDED;
        }
        if (atCheckpoint) {
            while (p.isAlive() && !writingCheckpoint(checkpoints)) {
                Thread.onSpinWait();
            }
        } else if (p.waitFor((long) (random.nextDouble() * stepSeconds * 1000), TimeUnit.MILLISECONDS)) {
            return ENDED;
        }
        if (!p.isAlive()) {
            return ENDED;
        }
        p.destroyForcibly().waitFor();
        return writingCheckpoint(checkpoints) ? IN_CHECKPOINT : IN_STEP;
    }

    /** Whether a checkpoint is being written: a hidden temporary folder or file sits in the checkpoints folder. */
    private static boolean writingCheckpoint(Path checkpoints) throws IOException {
        if (!Files.isDirectory(checkpoints)) {
            return false;
        }
        try (var s = Files.list(checkpoints)) {
            return s.anyMatch(f -> f.getFileName().toString().startsWith("."));
        } catch (java.nio.file.NoSuchFileException | java.io.UncheckedIOException e) {
            return false;   // the folder changed while listed: look again
        }
    }

    /** Seconds per step of the reference run, checkpoint writes included (its metrics' elapsed time). */
    private static double secondsPerStep(Path reference) throws IOException {
        List<Map<String, String>> rows = MetricsLog.read(reference.resolve(RunFolder.METRICS));
        if (rows.size() < 2) {
            return 1;
        }
        double first = Double.parseDouble(rows.get(0).get("elapsed_s"));
        double end = Double.parseDouble(rows.get(rows.size() - 1).get("elapsed_s"));
        return (end - first) / (rows.size() - 1);
    }

    private List<String> newRun(Path dir) {
        List<String> a = new ArrayList<>(List.of("finetune", "--model", model.model, "--train", train.toString(),
                "--run-dir", dir.toString(), "--max-steps", Integer.toString(steps), "--checkpoint-every", "1",
                "--validation-fraction", "0", "--device", "cpu", "--precision", "fp32", "--seed", "7",
                "--window-length", "256", "--batch-size", "2"));
        if (model.config != null) {
            a.addAll(List.of("--config", model.config));
        }
        if (model.trustCheckpoint) {
            a.add("--trust-checkpoint");
        }
        return a;
    }

    /** Starts the workbench's command line in a child JVM with this JVM's class path. */
    private static Process child(List<String> args, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Evo2wbCli.class.getName()));
        cmd.addAll(args);
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        b.environment().put("DJL_OFFLINE", "true");
        return b.start();
    }

    /** "" when the run folder opens as the Fine-tune view opens it, else what failed. */
    private static String opens(Path run) {
        if (!Files.exists(run.resolve(RunFolder.RECORD))) {
            return ""; // killed before the run was created: nothing to open yet
        }
        try {
            RunSummary s = RunSummary.read(run);
            if (s.problem() != null && !s.problem().isEmpty()) {
                return "summary: " + s.problem();
            }
            RunCurves.read(run);
            var latest = new CheckpointStore(run.resolve(RunFolder.CHECKPOINTS)).latest();
            if (latest.isPresent()) {
                latest.get().weights();
                try (Safetensors o = Safetensors.open(latest.get().optimizerFile())) {
                    o.tensors();
                }
            }
            return "";
        } catch (IOException | RuntimeException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    private static long lastStep(Path run) throws IOException {
        Path m = run.resolve(RunFolder.METRICS);
        if (!Files.exists(m)) {
            return 0;
        }
        List<Map<String, String>> rows = MetricsLog.read(m);
        return rows.isEmpty() ? 0 : Long.parseLong(rows.get(rows.size() - 1).get("step"));
    }

    private List<String> compare(Path reference, Path killed, PrintWriter out) throws IOException {
        List<String> problems = new ArrayList<>();
        List<Map<String, String>> a = MetricsLog.read(reference.resolve(RunFolder.METRICS));
        List<Map<String, String>> b = MetricsLog.read(killed.resolve(RunFolder.METRICS));
        if (a.size() != b.size()) {
            problems.add("metrics.csv has " + a.size() + " rows in the reference run and " + b.size()
                    + " in the killed one");
        }
        double worstLoss = 0;
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            if (!a.get(i).get("step").equals(b.get(i).get("step"))) {
                problems.add("row " + i + ": step " + a.get(i).get("step") + " against " + b.get(i).get("step"));
                break;
            }
            double d = Math.abs(Double.parseDouble(a.get(i).get("train_loss"))
                    - Double.parseDouble(b.get(i).get("train_loss")));
            worstLoss = Math.max(worstLoss, d);
        }
        Path wa = finalWeights(reference);
        Path wb = finalWeights(killed);
        Map<String, HostTensor> ta = Safetensors.read(wa);
        Map<String, HostTensor> tb = Safetensors.read(wb);
        double worstWeight = 0;
        long compared = 0;
        if (!ta.keySet().equals(tb.keySet())) {
            problems.add("the final weights hold different tensors");
        } else {
            for (String k : ta.keySet()) {
                float[] x = ta.get(k).toFloatArray();
                float[] y = tb.get(k).toFloatArray();
                for (int i = 0; i < x.length; i++) {
                    worstWeight = Math.max(worstWeight, Math.abs(x[i] - y[i]));
                }
                compared += x.length;
            }
        }
        out.printf(Locale.ROOT, "largest loss difference %.3g over %d steps; largest weight difference %.3g over "
                + "%,d values (%s)%n", worstLoss, Math.min(a.size(), b.size()), worstWeight, compared,
                wa.getFileName());
        if (worstLoss > tolerance) {
            problems.add("losses differ by up to " + worstLoss);
        }
        if (worstWeight > tolerance) {
            problems.add("weights differ by up to " + worstWeight);
        }
        return problems;
    }

    private static Path finalWeights(Path run) throws IOException {
        Path adapter = run.resolve(RunFolder.ADAPTER).resolve("adapter_model.safetensors");
        if (Files.exists(adapter)) {
            return adapter;
        }
        return new CheckpointStore(run.resolve(RunFolder.CHECKPOINTS)).latest()
                .orElseThrow(() -> new IOException(run + ": no checkpoint")).weightsFile();
    }
}
