package org.evo2wb.engine.bench;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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

/**
 * Fine-tuning throughput: a real run (settings check, steps, evaluation, checkpoints) of a model on sequence files,
 * reporting seconds per step and tokens per second over the steps after the first, with memory. The model is a
 * checkpoint ({@code --checkpoint file --config yml}) or random weights of a preset's shapes ({@code --preset}).
 *
 * <pre>
 *   --fasta FILE[,FILE…] (--preset NAME | --checkpoint PT --config YML) [--steps 20] [--gpu I]
 *   [--folder DIR] [--scaling N|LIST] [any fine-tuning setting as --name value, e.g. --method lora
 *   --window-length 1024 --batch-size 2 --devices gpu:0,gpu:1]
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
    record Result(String line, double tokensPerSecond, double secondsPerStep) {
    }

    /**
     * Runs the benchmark with the arguments of {@code evo2wb bench train} and returns its figures (one line, or three with
     * {@code --scaling}).
     *
     * @throws IllegalStateException when the run fails (the message says why)
     */
    public static String run(String... args) throws Exception {
        List<Path> fasta = new ArrayList<>();
        String preset = null;
        Path checkpoint = null;
        Path config = null;
        Path folder = null;
        String scaling = null;
        int steps = 20;
        FineTuneSettings.Builder b = FineTuneSettings.builder(null).set(FineTuneParameters.DEVICE, "cpu");
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--fasta" -> {
                    for (String f : v.split(",")) {
                        fasta.add(Path.of(f));
                    }
                }
                case "--preset" -> preset = v;
                case "--checkpoint" -> checkpoint = Path.of(v);
                case "--config" -> config = Path.of(v);
                case "--folder" -> folder = Path.of(v);
                case "--steps" -> steps = Integer.parseInt(v);
                case "--scaling" -> scaling = v;
                case "--gpu" -> b.set(FineTuneParameters.DEVICE, "gpu:" + Integer.parseInt(v));
                default -> b.setText(args[i], v);
            }
        }
        if (List.of(args).contains("--devices") && !List.of(args).contains("--gpu")
                && !List.of(args).contains("--device")) {
            b.set(FineTuneParameters.DEVICE, "auto");      // the first of the devices, not the CPU default
        }
        if (fasta.isEmpty() || preset == null && (checkpoint == null || config == null)) {
            throw new IllegalArgumentException("use --fasta FILE (--preset NAME | --checkpoint PT --config YML) "
                    + "[--steps N] [--gpu I] [--folder DIR] [--scaling N|gpu:0,gpu:1] [--<setting> value ...]");
        }
        FineTuneSettings s = b.set(FineTuneParameters.MAX_STEPS, steps).build();
        Path runDir = folder != null ? folder : Files.createTempDirectory("evo2wb-finetune-bench");
        Evo2Config cfg = preset != null ? Evo2Config.preset(preset) : Evo2Config.load(config);
        Model model = new Model(preset, checkpoint, cfg);
        if (scaling == null) {
            return once(model, s, fasta, runDir.resolve("run")).line() + "; run folder " + runDir;
        }
        return scaling(model, s, fasta, runDir, scaling);
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
                    }).build().task();
            task.run();
            if (task.result().isCompletedExceptionally()) {
                throw new IllegalStateException("run failed: " + task.message());
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
                devices.equals("1") ? "" : " on devices " + devices, loadSeconds, (firstStepAt[0] - start) / 1e9,
                stepSeconds, tokensPerSecond, withEvaluation, first.trainLoss(), last.trainLoss(),
                MemoryStats.summary())
                + peak.describe();
        return new Result(line, tokensPerSecond, stepSeconds);
    }
}
