package org.evo2wb.engine.bench;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.evo2wb.bio.ReadProgress;
import org.evo2wb.engine.config.Evo2Config;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.train.Devices;
import org.evo2wb.engine.train.Evo2Model;
import org.evo2wb.engine.train.FineTuneParameters;
import org.evo2wb.engine.train.FineTuneRun;
import org.evo2wb.engine.train.FineTuneSettings;
import org.evo2wb.engine.train.FineTuneTask;
import org.evo2wb.engine.train.StepMetrics;
import org.evo2wb.engine.train.TrainingData;
import org.evo2wb.engine.train.TrainingListener;
import org.evo2wb.engine.train.run.ModelDescription;

/**
 * Fine-tuning throughput: a real run (settings check, steps, evaluation, checkpoints) of a model on sequence files,
 * reporting seconds per step and tokens per second over the steps after the first, with memory. The model is a
 * checkpoint ({@code --checkpoint file --config yml}) or random weights of a preset's shapes ({@code --preset}).
 *
 * <pre>
 *   --fasta FILE[,FILE…] (--preset NAME | --checkpoint PT --config YML) [--steps 20] [--gpu I]
 *   [--folder DIR] [any fine-tuning setting as --name value, e.g. --method lora --window-length 1024 --batch-size 2]
 * </pre>
 */
public final class FineTuneBenchmark {

    private FineTuneBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println(run(args));
    }

    /**
     * Runs the benchmark with the arguments of {@link #main} and returns its one line of figures.
     *
     * @throws IllegalStateException when the run fails (the message says why)
     */
    public static String run(String... args) throws Exception {
        List<Path> fasta = new ArrayList<>();
        String preset = null;
        Path checkpoint = null;
        Path config = null;
        Path folder = null;
        int steps = 20;
        Device device = Device.cpu();
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
                case "--gpu" -> {
                    device = Devices.resolve("gpu:" + Integer.parseInt(v));    // refused with the reason if unusable
                    b.set(FineTuneParameters.DEVICE, "gpu:" + v);
                }
                default -> b.setText(args[i], v);
            }
        }
        if (fasta.isEmpty() || preset == null && (checkpoint == null || config == null)) {
            throw new IllegalArgumentException("use --fasta FILE (--preset NAME | --checkpoint PT --config YML) "
                    + "[--steps N] [--gpu I] [--folder DIR] [--<setting> value ...]");
        }
        FineTuneSettings s = b.set(FineTuneParameters.MAX_STEPS, steps).build();
        Path runDir = folder != null ? folder : Files.createTempDirectory("evo2wb-finetune-bench");
        long t0 = System.nanoTime();
        Evo2Config cfg = preset != null ? Evo2Config.preset(preset) : Evo2Config.load(config);
        StripedHyena base = preset != null
                ? StripedHyena.random(cfg, 1, device, s.get(FineTuneParameters.PRECISION))
                : StripedHyena.load(checkpoint, cfg, device, s.get(FineTuneParameters.PRECISION));
        ModelDescription description = preset != null
                ? new ModelDescription(preset + " (random weights)", ModelDescription.configJson(cfg), "none", "none")
                : ModelDescription.of(checkpoint.getFileName().toString(), cfg, checkpoint);
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        TrainingData data = TrainingData.build(fasta, s, ReadProgress.NONE);
        List<StepMetrics> seen = new ArrayList<>();
        long[] firstStepAt = {0};
        long start = System.nanoTime();
        try (base) {
            FineTuneTask task = FineTuneRun.newRun(runDir.resolve("run"), s).model(Evo2Model.prepare(base, s), description)
                    .data(data.train(), data.validation(), data.manifest()).appVersion("benchmark")
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
        double stepSeconds = (last.elapsed().toNanos() - first.elapsed().toNanos()) / 1e9 / Math.max(1, seen.size() - 1);
        long tokens = last.tokens() - first.tokens();
        return String.format(Locale.ROOT, "%s, %s, window %d, batch %d × %d: load %.1f s, check + first step %.1f s, "
                        + "%.3f s/step, %,.0f tokens/s (incl. evaluation), loss %.4f -> %.4f; %s; run folder %s",
                description.name(), s.text(FineTuneParameters.METHOD), s.get(FineTuneParameters.WINDOW_LENGTH),
                s.get(FineTuneParameters.BATCH_SIZE), s.get(FineTuneParameters.GRAD_ACCUMULATION), loadSeconds,
                (firstStepAt[0] - start) / 1e9, stepSeconds,
                tokens / ((last.elapsed().toNanos() - first.elapsed().toNanos()) / 1e9),
                first.trainLoss(), last.trainLoss(), MemoryStats.summary(), runDir);
    }
}
