package org.evo2wb.engine.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.evo2wb.bio.dataset.DatasetManifest;
import org.evo2wb.bio.dataset.DatasetOptions;
import org.evo2wb.bio.dataset.DatasetSummary;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.score.Scorer;
import org.evo2wb.engine.score.ScoringOptions;
import org.evo2wb.engine.task.TaskStatus;
import org.evo2wb.engine.train.TrainableStripedHyena;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.FineTuneRun;
import org.evo2wb.engine.train.settings.FineTuneSettings;
import org.evo2wb.engine.train.FineTuneTask;
import org.evo2wb.engine.train.StepMetrics;
import org.evo2wb.engine.train.data.TokenWindow;
import org.evo2wb.engine.train.TrainingListener;
import org.evo2wb.engine.train.data.WindowSource;
import org.evo2wb.engine.train.run.ModelDescription;

/**
 * Memory over long runs: the process's resident memory, the Java heap in use and the native tensors alive in the
 * model's manager tree (DJL arrays, each holding one PyTorch tensor) sampled while training for many steps or scoring
 * many records in a loop, with the least-squares slope of each over the second half of the samples (the first half
 * is warm-up: allocator pools and the JIT fill up). Backs {@code evo2wb bench memory-soak}.
 */
public final class MemorySoak {

    /** One sample. */
    public record Sample(long at, long residentBytes, long heapBytes, int liveArrays) {

        /** One line for a progress log: unit count, resident MiB, heap MiB, live tensors. */
        public String format(String unit) {
            return String.format(Locale.ROOT, "  %s %,d: resident %.1f MiB, heap %.1f MiB, %d live tensors", unit, at,
                    residentBytes / 1048576.0, heapBytes / 1048576.0, liveArrays);
        }
    }

    /** The samples of one soak and their slopes. */
    public record Result(String what, String unit, List<Sample> samples) {

        /** Resident bytes per unit (step or record) over the second half. */
        public double residentSlope() {
            return slope(s -> s.residentBytes());
        }

        /** Heap bytes per unit over the second half. */
        public double heapSlope() {
            return slope(s -> s.heapBytes());
        }

        /** Live arrays per unit over the second half. */
        public double arraySlope() {
            return slope(s -> s.liveArrays());
        }

        private double slope(java.util.function.ToDoubleFunction<Sample> y) {
            List<Sample> half = samples.subList(samples.size() / 2, samples.size());
            int n = half.size();
            if (n < 2) {
                return Double.NaN;
            }
            double mx = half.stream().mapToDouble(Sample::at).average().orElse(0);
            double my = half.stream().mapToDouble(y).average().orElse(0);
            double sxy = 0;
            double sxx = 0;
            for (Sample s : half) {
                sxy += (s.at() - mx) * (y.applyAsDouble(s) - my);
                sxx += (s.at() - mx) * (s.at() - mx);
            }
            return sxx == 0 ? 0 : sxy / sxx;
        }

        public String format() {
            Sample first = samples.get(0);
            Sample mid = samples.get(samples.size() / 2);
            Sample last = samples.get(samples.size() - 1);
            return String.format(Locale.ROOT, "%s: %,d %ss, %d samples%n"
                    + "  resident %.1f -> %.1f -> %.1f MiB (start, middle, end); slope over the second half %+.2f KiB "
                    + "per 1,000 %ss%n"
                    + "  heap in use %.1f -> %.1f -> %.1f MiB; slope %+.2f KiB per 1,000 %ss%n"
                    + "  live tensors %d -> %d -> %d; slope %+.4f per 1,000 %ss",
                    what, last.at(), unit, samples.size(),
                    first.residentBytes() / 1048576.0, mid.residentBytes() / 1048576.0,
                    last.residentBytes() / 1048576.0, residentSlope() * 1000 / 1024, unit,
                    first.heapBytes() / 1048576.0, mid.heapBytes() / 1048576.0, last.heapBytes() / 1048576.0,
                    heapSlope() * 1000 / 1024, unit, first.liveArrays(), mid.liveArrays(), last.liveArrays(),
                    arraySlope() * 1000, unit);
        }
    }

    private MemorySoak() {}

    /** A sample now: heap in use is measured after a full collection, so it counts what is still reachable. */
    static Sample sample(long at, StripedHyena model) {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return new Sample(at, PeakMemory.residentBytes(), rt.totalMemory() - rt.freeMemory(),
                model.manager().getManagedArrays().size());
    }

    /**
     * Fine-tunes {@code net} (LoRA rank 4 unless {@code settings} says otherwise) on random DNA windows for
     * {@code steps} steps on the CPU, sampling every {@code every} steps; the run folder is {@code folder}.
     */
    public static Result training(String what, StripedHyena net, FineTuneSettings.Builder settings, int steps,
                                  int every, Path folder) throws IOException {
        return training(what, net, settings, steps, every, folder, Duration.ZERO, x -> { });
    }

    /**
     * Like {@link #training(String, StripedHyena, FineTuneSettings.Builder, int, int, Path)}, stopping after the
     * step that crosses {@code maxTime} (zero: no limit; the result then covers the steps done) and handing every
     * sample to {@code onSample} as it is taken (a long soak shows its progress and leaves figures if cut short).
     */
    public static Result training(String what, StripedHyena net, FineTuneSettings.Builder settings, int steps,
                                  int every, Path folder, Duration maxTime, Consumer<Sample> onSample)
            throws IOException {
        FineTuneSettings s = settings.set(FineTuneParameters.MAX_STEPS, steps)
                .set(FineTuneParameters.MAX_TIME, maxTime)
                .set(FineTuneParameters.VALIDATION_FRACTION, 0.0).set(FineTuneParameters.DEVICE, "cpu").build();
        int window = s.get(FineTuneParameters.WINDOW_LENGTH);
        int batch = s.get(FineTuneParameters.BATCH_SIZE);
        TrainableStripedHyena model = TrainableStripedHyena.prepare(net, s);
        WindowSource windows = randomWindows(16 * batch, window);
        DatasetManifest manifest = new DatasetManifest(List.of(), DatasetOptions.of(window), List.of(),
                new DatasetSummary(windows.size(), windows.size(), 0, (long) windows.size() * window, 0,
                        windows.size(), 0, (long) windows.size() * window, 0, 0, 0, window, List.of()));
        List<Sample> samples = new ArrayList<>();
        FineTuneTask task = FineTuneRun.newRun(folder, s)
                .model(model, new ModelDescription(what, new com.google.gson.JsonObject(), "random", "0".repeat(64)))
                .data(windows, WindowSource.of(List.of()), manifest)
                .listener(new TrainingListener() {
                    @Override
                    public void onStep(StepMetrics m) {
                        if (m.step() == 1 || m.step() % every == 0) {
                            Sample x = sample(m.step(), net);
                            samples.add(x);
                            onSample.accept(x);
                        }
                    }
                }).build().task();
        task.run();
        if (task.status() != TaskStatus.FINISHED) {
            throw new IOException(what + ": the soak run did not finish: " + task.message());
        }
        return new Result(what, "step", samples);
    }

    /** Scores {@code records} random records of {@code length} bases one call at a time, sampling every {@code every}. */
    public static Result scoring(String what, StripedHyena model, int records, int length, int every) {
        return scoring(what, model, records, length, every, Duration.ZERO, x -> { });
    }

    /**
     * Like {@link #scoring(String, StripedHyena, int, int, int)}, stopping after the record that crosses
     * {@code maxTime} (zero: no limit) and handing every sample to {@code onSample} as it is taken.
     */
    public static Result scoring(String what, StripedHyena model, int records, int length, int every,
                                 Duration maxTime, Consumer<Sample> onSample) {
        long deadline = maxTime.isZero() ? Long.MAX_VALUE : System.nanoTime() + maxTime.toNanos();
        Scorer scorer = new Scorer(model, ScoringOptions.defaults().withBatchSize(1));
        SplittableRandom r = new SplittableRandom(5);
        List<Sample> samples = new ArrayList<>();
        for (int i = 1; i <= records; i++) {
            StringBuilder b = new StringBuilder(length);
            for (int j = 0; j < length; j++) {
                b.append("ACGT".charAt(r.nextInt(4)));
            }
            scorer.score(List.of(new Scorer.Input("r" + i, b.toString())));
            boolean late = System.nanoTime() - deadline > 0;
            if (i == 1 || i % every == 0 || late) {
                Sample x = sample(i, model);
                samples.add(x);
                onSample.accept(x);
            }
            if (late) {
                break;
            }
        }
        return new Result(what, "record", samples);
    }

    static WindowSource randomWindows(int count, int length) {
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
