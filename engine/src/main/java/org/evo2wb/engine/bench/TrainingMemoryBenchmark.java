package org.evo2wb.engine.bench;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.evo2wb.bio.dataset.DatasetManifest;
import org.evo2wb.bio.dataset.DatasetOptions;
import org.evo2wb.bio.dataset.DatasetSummary;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.task.TaskStatus;
import org.evo2wb.engine.train.FineTuneRun;
import org.evo2wb.engine.train.FineTuneTask;
import org.evo2wb.engine.train.TrainableStripedHyena;
import org.evo2wb.engine.train.data.TokenWindow;
import org.evo2wb.engine.train.data.WindowSource;
import org.evo2wb.engine.train.parallel.TrainingMemoryEstimate;
import org.evo2wb.engine.train.run.ModelDescription;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.FineTuneSettings;

/**
 * Measures the memory of real training steps on the CPU and sets it beside {@link TrainingMemoryEstimate}: a model
 * with random weights is built, readied for the method, then two training steps run on random DNA windows while
 * Linux's peak-resident-memory counter ({@code VmHWM}, reset through {@code /proc/self/clear_refs}) records the
 * peak. The measured figure is that peak minus the resident memory before the run (so the weights, already resident,
 * are left out), compared with the estimate's total minus its weights.
 *
 * <pre>
 *   evo2wb bench memory CONFIG.yml METHOD BATCH WINDOW [--rank R]
 * </pre>
 */
public final class TrainingMemoryBenchmark {

    /** One measurement: the step's memory beyond the weights, measured and estimated. */
    public record Result(long measuredBytes, TrainingMemoryEstimate estimate) {

        public long estimatedBytes() {
            return estimate.totalBytes() - estimate.weightBytes();
        }

        public double ratio() {
            return (double) estimatedBytes() / measuredBytes;
        }

        public String format() {
            return String.format(Locale.ROOT, "measured %s beyond the weights, estimated %s (ratio %.2f); %s",
                    TrainingMemoryEstimate.bytes(measuredBytes), TrainingMemoryEstimate.bytes(estimatedBytes()),
                    ratio(), estimate.describe());
        }
    }

    private TrainingMemoryBenchmark() {
    }

    /**
     * Runs two steps and measures them. The settings get max steps 2, no validation, device cpu; the run folder is
     * created under {@code dir}.
     */
    public static Result measure(Evo2Config config, FineTuneSettings.Builder settings, Path dir) throws IOException {
        FineTuneSettings s = settings.set(FineTuneParameters.MAX_STEPS, 2).set(FineTuneParameters.WARMUP_STEPS, 0)
                .set(FineTuneParameters.VALIDATION_FRACTION, 0.0).set(FineTuneParameters.DEVICE, "cpu").build();
        int window = s.get(FineTuneParameters.WINDOW_LENGTH);
        int batch = s.get(FineTuneParameters.BATCH_SIZE);
        try (StripedHyena net = StripedHyena.random(config, 7, Device.cpu(), Precision.FP32)) {
            TrainableStripedHyena model = TrainableStripedHyena.prepare(net, s);
            WindowSource windows = randomWindows(4 * batch, window);
            DatasetOptions options = DatasetOptions.of(window);
            DatasetManifest manifest = new DatasetManifest(List.of(), options, List.of(), new DatasetSummary(
                    windows.size(), windows.size(), 0, (long) windows.size() * window, 0, windows.size(), 0,
                    (long) windows.size() * window, 0, 0, 0, window, List.of()));
            FineTuneTask task = FineTuneRun.newRun(dir.resolve("run"), s)
                    .model(model, new ModelDescription(config.modelName(), new com.google.gson.JsonObject(),
                            "random", "0".repeat(64)))
                    .data(windows, WindowSource.of(List.of()), manifest).build().task();
            System.gc();
            long before = PeakMemory.residentBytes();
            PeakMemory.resetPeak();
            task.run();
            long peak = PeakMemory.peakBytes();
            if (task.status() != TaskStatus.FINISHED) {
                throw new IOException("the measured run did not finish: " + task.message());
            }
            return new Result(peak - before, TrainingMemoryEstimate.of(config, s));
        }
    }

    private static WindowSource randomWindows(int count, int length) {
        SplittableRandom random = new SplittableRandom(3);
        byte[] bases = {'A', 'C', 'G', 'T'};
        List<TokenWindow> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] t = new byte[length];
            for (int j = 0; j < length; j++) {
                t[j] = bases[random.nextInt(4)];
            }
            out.add(new TokenWindow("random-" + i, 0, false, t, false));
        }
        return WindowSource.of(out);
    }
}
