package org.evo2wb.engine.bench;

import ai.djl.Device;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.evo2wb.bio.ReadProgress;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.device.DeviceChoice;
import org.evo2wb.engine.finetune.FineTuneLauncher;
import org.evo2wb.engine.model.MasterWeights;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.train.FineTuneRun;
import org.evo2wb.engine.train.FineTuneTask;
import org.evo2wb.engine.train.StepMetrics;
import org.evo2wb.engine.train.TrainableStripedHyena;
import org.evo2wb.engine.train.TrainingListener;
import org.evo2wb.engine.train.data.TrainingData;
import org.evo2wb.engine.train.parallel.TrainingDevices;
import org.evo2wb.engine.train.run.ModelDescription;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.FineTuneSettings;
import org.evo2wb.engine.train.settings.Hyperparameter;
import org.evo2wb.engine.train.settings.InvalidSettingsException;
import org.evo2wb.engine.train.settings.SettingFlags;
import org.evo2wb.engine.train.settings.SettingsProblem;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Fine-tuning throughput: a real run (settings check, steps, evaluation, checkpoints) of a model on sequence files,
 * reporting seconds per step and tokens per second over the steps after the first, with memory. The model is a
 * checkpoint ({@code --checkpoint file --config yml}) or random weights of a preset's shapes ({@code --preset}).
 * {@code evo2wb bench train} is {@link Command}; {@link #run(String...)} takes the same arguments:
 *
 * <pre>
 *   --fasta FILE[,FILE…] (--preset NAME | --checkpoint PT --config YML) [--steps 20] [--gpu I]
 *   [--folder DIR] [--scaling N|LIST] [any fine-tuning setting as in evo2wb finetune, e.g. --method lora
 *   --window 1024 --batch 2 --precision fp16 --checkpointing true --devices gpu:0,gpu:1]
 * </pre>
 *
 * {@code --scaling N} (or a device list such as {@code gpu:0,gpu:1}) measures data parallelism: one run on the
 * first device with the batch size given, then one on all N devices with N times that batch (the same rows per
 * device), and reports both throughputs, the speed-up and the scaling efficiency = speed-up / N.
 */
public final class FineTuneBenchmark {

    private FineTuneBenchmark() {
    }

    /** The figures of one timed run. */
    record Result(String line, double tokensPerSecond, double secondsPerStep, long peakBytes, Device device,
                  List<String> notes) {
    }

    /**
     * Runs the benchmark with the arguments of {@code evo2wb bench train} (parsed by {@link Command}, the same
     * options) and returns its figures (one line, or three with {@code --scaling}).
     *
     * @throws picocli.CommandLine.ParameterException when the arguments do not parse
     * @throws InvalidSettingsException when fine-tuning settings are wrong (every problem at once)
     * @throws IllegalArgumentException when the model or the training files are missing
     * @throws IllegalStateException when the run fails (the message says why)
     */
    public static String run(String... args) throws Exception {
        Command c = new Command();
        new CommandLine(c).parseArgs(args);
        return c.measure();
    }

    /**
     * {@code evo2wb bench train}: the model and the files of a short run, and every fine-tuning setting as an option
     * generated from its declaration ({@link SettingFlags}, as {@code evo2wb finetune} has them). The device defaults
     * to the CPU (to the first of {@code --devices} when they are given) and the steps to 20.
     */
    @CommandLine.Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
            modelTransformer = SettingFlags.class,
            description = {"Time a short fine-tuning run (settings check, steps, evaluation, checkpoints) and report "
                    + "seconds per step and tokens per second.",
                "The model: --preset NAME (random weights of that size) or --checkpoint FILE.pt --config FILE.yml. "
                        + "Any fine-tuning setting is an option as in evo2wb finetune, e.g. --devices gpu:0,gpu:1 to "
                        + "share each batch between two GPUs; --steps defaults to 20 here, --device to cpu.",
                "--scaling N (or a list such as gpu:0,gpu:1) runs twice, on the first device with the batch size "
                        + "given and on all N with N times that batch, and reports the speed-up and the scaling "
                        + "efficiency (speed-up / N).",
                "Example: evo2wb bench train --fasta phages.fasta --preset evo2-1b-8k --gpu 0 --method lora "
                        + "--window-length 1024 --batch-size 2",
                "Example: evo2wb bench train --fasta phages.fasta --preset evo2-1b-8k --scaling 2 --method lora "
                        + "--window-length 8192 --batch-size 1"})
    public static final class Command implements Callable<Integer> {

        /** Steps of a benchmark run unless {@code --max-steps} (--steps) says otherwise. */
        static final int DEFAULT_STEPS = 20;

        @Spec
        CommandSpec spec;

        @Option(names = {"--fasta", "--train"}, split = ",", paramLabel = "<file>",
                description = "Training sequences (FASTA, GenBank or EMBL); several files separated by commas.")
        List<Path> fasta = new ArrayList<>();

        @Option(names = "--preset", paramLabel = "<name>",
                description = "Random weights of a preset's shapes, e.g. evo2-7b-8k.")
        String preset;

        @Option(names = "--checkpoint", paramLabel = "<file.pt>", description = "Weights to fine-tune (with --config).")
        Path checkpoint;

        @Option(names = "--config", paramLabel = "<file.yml>", description = "The config of --checkpoint.")
        Path config;

        @Option(names = "--folder", paramLabel = "<dir>",
                description = "Where the run folders go (default: a new temporary folder).")
        Path folder;

        @Option(names = "--scaling", paramLabel = "<N|gpu:0,gpu:1>",
                description = "Compare one device with N (a count or a list of devices).")
        String scaling;

        @Option(names = "--gpu", paramLabel = "<I>", description = "Train on GPU I (the same as --device gpu:I).")
        Integer gpu;

        @Option(names = "--record", paramLabel = "<file.json>",
                description = "Also add the figures as one row to this JSON array (made when missing): run, preset, "
                        + "window, batch, precision, checkpointing, tokens_per_s, peak_gib, card, date, note.")
        Path record;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            out.println(measure());
            out.flush();
            return 0;
        }

        /** The settings these options give, checked, and the timed run. */
        String measure() throws Exception {
            Map<Hyperparameter<?>, String> given = SettingFlags.given(spec);
            FineTuneSettings.Builder b = FineTuneSettings.builder(null).set(FineTuneParameters.DEVICE, "cpu")
                    .set(FineTuneParameters.MAX_STEPS, DEFAULT_STEPS);
            if (given.containsKey(FineTuneParameters.DEVICES) && gpu == null
                    && !given.containsKey(FineTuneParameters.DEVICE)) {
                b.set(FineTuneParameters.DEVICE, "auto");      // the first of the devices, not the CPU default
            }
            if (gpu != null) {
                b.set(FineTuneParameters.DEVICE, "gpu:" + gpu);
            }
            List<SettingsProblem> problems = SettingFlags.apply(b, given);
            if (!problems.isEmpty()) {
                throw new InvalidSettingsException("command line", problems);
            }
            if (fasta.isEmpty() || preset == null && (checkpoint == null || config == null)) {
                throw new IllegalArgumentException("use --fasta FILE (--preset NAME | --checkpoint PT --config YML) "
                        + "[--steps N] [--gpu I] [--folder DIR] [--scaling N|gpu:0,gpu:1] [--<setting> value ...]");
            }
            FineTuneSettings s = b.build("command line");
            Path runDir = folder != null ? folder : Files.createTempDirectory("evo2wb-finetune-bench");
            Evo2Config cfg = preset != null ? Evo2Config.preset(preset) : Evo2Config.load(config);
            Model model = new Model(preset, checkpoint, cfg);
            if (scaling == null) {
                Result r = once(model, s, fasta, runDir.resolve("run"));
                if (record != null) {
                    record(r, s, preset != null ? preset : checkpoint.getFileName().toString());
                }
                return r.line() + "; run folder " + runDir + (record != null ? "; recorded in " + record : "");
            }
            if (record != null) {
                throw new IllegalArgumentException("--record: not with --scaling (record each run on its own)");
            }
            return scaling(model, s, fasta, runDir, scaling);
        }

        /** The run's row in {@link #record}; its note carries the run's own notes (how blocks were kept, …). */
        private void record(Result r, FineTuneSettings s, String modelName) throws IOException {
            String method = s.text(FineTuneParameters.METHOD);
            String note = String.join("; ", r.notes());
            BenchRecord.of(method, modelName, s.get(FineTuneParameters.WINDOW_LENGTH),
                    s.get(FineTuneParameters.BATCH_SIZE) * s.get(FineTuneParameters.GRAD_ACCUMULATION),
                    s.text(FineTuneParameters.PRECISION), s.get(FineTuneParameters.ACTIVATION_CHECKPOINTING),
                    r.tokensPerSecond(), r.peakBytes(), r.device(), String.format(Locale.ROOT,
                            "%.3f s/step%s", r.secondsPerStep(), note.isEmpty() ? "" : "; " + note))
                    .appendTo(record);
        }
    }

    /** One device with the batch given, then every device of {@code devices} with that batch per device. */
    private static String scaling(Model model, FineTuneSettings s, List<Path> fasta, Path runDir, String devices)
            throws Exception {
        List<String> names = devices.matches("[0-9a-z:, ]+") ? TrainingDevices.names(devices) : List.of();
        if (names.size() < 2) {
            throw new IllegalArgumentException("--scaling: name at least two devices (a count, or a list such as "
                    + "gpu:0,gpu:1), not '" + devices + "'");
        }
        int batch = s.get(FineTuneParameters.BATCH_SIZE);
        String first = names.get(0);
        FineTuneSettings one = s.toBuilder().set(FineTuneParameters.DEVICE, first)
                .set(FineTuneParameters.DEVICES, "1").build();
        FineTuneSettings many = s.toBuilder().set(FineTuneParameters.DEVICE, first)
                .set(FineTuneParameters.DEVICES, devices).set(FineTuneParameters.BATCH_SIZE, batch * names.size())
                .build("--scaling " + devices);
        Result r1 = once(model, one, fasta, runDir.resolve("run-1"));
        Result rn = once(model, many, fasta, runDir.resolve("run-" + names.size()));
        double speedup = rn.tokensPerSecond() / r1.tokensPerSecond();
        return String.format(Locale.ROOT, "1 device (%s): %s%n%d devices (%s): %s%nscaling: %,.0f -> %,.0f tokens/s "
                        + "with %d rows per device: speed-up %.2f on %d devices, efficiency %.0f %%; run folders in %s",
                first, r1.line(), names.size(), devices, rn.line(), r1.tokensPerSecond(), rn.tokensPerSecond(),
                batch, speedup, names.size(), 100 * speedup / names.size(), runDir);
    }

    /** Where the weights come from: random weights of a preset's shapes, or a checkpoint. */
    private record Model(String preset, Path checkpoint, Evo2Config config) {

        StripedHyena load(Device device, Precision precision, MasterWeights masters) throws IOException {
            return preset != null ? StripedHyena.random(config, 1, device, precision, masters)
                    : StripedHyena.load(checkpoint, config, device, precision, masters);
        }

        ModelDescription describe() throws IOException {
            return preset != null
                    ? new ModelDescription(preset + " (random weights)", ModelDescription.configJson(config), "none",
                    "none")
                    : ModelDescription.of(checkpoint.getFileName().toString(), config, checkpoint);
        }
    }

    private static Result once(Model model, FineTuneSettings s, List<Path> fasta, Path runDir) throws Exception {
        DeviceChoice choice = FineTuneLauncher.choose(s);
        try (DeviceMemoryPeak peak = DeviceMemoryPeak.start(choice.device())) {
            return once(model, s, fasta, runDir, choice, peak);
        }
    }

    private static Result once(Model model, FineTuneSettings s, List<Path> fasta, Path runDir, DeviceChoice choice,
                               DeviceMemoryPeak peak) throws Exception {
        long t0 = System.nanoTime();
        StripedHyena base = model.load(choice.device(), choice.precision(), TrainableStripedHyena.masterWeights(s));
        ModelDescription description = model.describe();
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        TrainingData data = TrainingData.build(fasta, s, ReadProgress.NONE);
        List<StepMetrics> seen = new ArrayList<>();
        long[] firstStepAt = {0};
        List<String> notes = new ArrayList<>();
        long start = System.nanoTime();
        try (base) {
            FineTuneTask task = FineTuneRun.newRun(runDir, s).model(TrainableStripedHyena.prepare(base, s), description)
                    .data(data.train(), data.validation(), data.manifest()).devices(choice).appVersion("benchmark")
                    .listener(new TrainingListener() {
                        @Override
                        public void onStep(StepMetrics m) {
                            if (seen.isEmpty()) {
                                firstStepAt[0] = System.nanoTime();
                            }
                            seen.add(m);
                        }

                        @Override
                        public void onNote(String note) {
                            notes.add(note);
                        }
                    }).build().task();
            task.run();
            if (task.result().isCompletedExceptionally()) {
                Throwable cause = null;
                try {
                    task.result().join();
                } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
                    cause = e.getCause() != null ? e.getCause() : e;
                }
                throw new IllegalStateException("run failed: " + task.message(), cause);   // the trace shows where
            }
        }
        StepMetrics first = seen.get(0);
        StepMetrics last = seen.get(seen.size() - 1);
        double seconds = (last.elapsed().toNanos() - first.elapsed().toNanos()) / 1e9;
        double withEvaluation = (last.tokens() - first.tokens()) / seconds;
        // each step's own speed (the run's last step is followed by an evaluation, which a short run would
        // otherwise spread over its few steps); the first step is left out as warm-up
        double[] speeds = seen.stream().skip(seen.size() > 1 ? 1 : 0).mapToDouble(StepMetrics::tokensPerSecond)
                .sorted().toArray();
        double tokensPerSecond = speeds[speeds.length / 2];
        double stepSeconds = (double) (last.tokens() - first.tokens()) / Math.max(1, seen.size() - 1)
                / tokensPerSecond;
        String devices = s.get(FineTuneParameters.DEVICES);
        String line = String.format(Locale.ROOT, "%s, %s, %s%s, window %d, batch %d × %d%s: load %.1f s, check + "
                        + "first step %.1f s, %.3f s/step, %,.0f tokens/s (median step; %,.0f tokens/s with the "
                        + "evaluations), loss %.4f -> %.4f; %s",
                description.name(), s.text(FineTuneParameters.METHOD), s.text(FineTuneParameters.PRECISION),
                s.get(FineTuneParameters.ACTIVATION_CHECKPOINTING) ? ", activation checkpointing" : "",
                s.get(FineTuneParameters.WINDOW_LENGTH),
                s.get(FineTuneParameters.BATCH_SIZE), s.get(FineTuneParameters.GRAD_ACCUMULATION),
                (devices.equals("1") ? "" : " on devices " + devices)
                        + (notes.isEmpty() ? "" : " (" + String.join("; ", notes) + ")"),
                loadSeconds, (firstStepAt[0] - start) / 1e9,
                stepSeconds, tokensPerSecond, withEvaluation, first.trainLoss(), last.trainLoss(),
                MemoryStats.summary())
                + peak.describe();
        long gpuPeak = peak.peakBytes();
        return new Result(line, tokensPerSecond, stepSeconds,
                gpuPeak >= 0 ? gpuPeak : MemoryStats.procStatus("VmHWM"), choice.device(), List.copyOf(notes));
    }
}
