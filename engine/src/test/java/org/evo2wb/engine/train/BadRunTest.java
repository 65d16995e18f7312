package org.evo2wb.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.evo2wb.engine.task.TaskStatus;
import org.evo2wb.engine.train.TrainingFailedException.Kind;
import org.evo2wb.engine.train.data.TokenWindow;
import org.evo2wb.engine.train.data.WindowSource;
import org.evo2wb.engine.train.run.MetricsLog;
import org.evo2wb.engine.train.run.RunFolder;
import org.evo2wb.engine.train.run.RunState;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.FineTuneSettings;
import org.evo2wb.engine.train.settings.ShortSequencePolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs that must stop with a clear message and leave the last good checkpoint intact. */
class BadRunTest {

    static NDManager root;

    @TempDir
    Path tmp;

    @BeforeAll
    static void open() {
        root = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        root.close();
    }

    /** Wraps a model; from the {@code from}-th forward call on, {@code fault} replaces the logits (or throws). */
    static final class FaultyModel implements TrainableModel {
        private final TrainableModel inner;
        private final int from;
        private final java.util.function.Function<NDArray, NDArray> fault;
        int calls;

        FaultyModel(TrainableModel inner, int from, java.util.function.Function<NDArray, NDArray> fault) {
            this.inner = inner;
            this.from = from;
            this.fault = fault;
        }

        @Override
        public NDArray logits(NDArray tokens) {
            NDArray out = inner.logits(tokens);
            return ++calls >= from ? fault.apply(out) : out;
        }

        @Override
        public Map<String, NDArray> parameters() {
            return inner.parameters();
        }

        @Override
        public NDManager manager() {
            return inner.manager();
        }
    }

    /** A run without validation windows, so that forward calls count steps exactly. */
    private static FineTuneRun.Builder run(Path folder, FineTuneSettings s, TrainableModel model) {
        WindowSource train = ToyData.train(64);
        WindowSource none = WindowSource.of(List.of());
        return FineTuneRun.newRun(folder, s).model(model, ToyData.model()).data(train, none,
                ToyData.manifest(train, none));
    }

    private static FailedRun failedRun(Path folder, FineTuneSettings s, TrainableModel model) {
        FineTuneTask task = TrainerTest.runTask(run(folder, s, model).build());
        assertEquals(TaskStatus.FAILED, task.status());
        Throwable cause = task.result().handle((v, e) -> e).join();
        while (cause instanceof java.util.concurrent.CompletionException) {
            cause = cause.getCause();
        }
        return new FailedRun(task, assertInstanceOf(TrainingFailedException.class, cause));
    }

    private record FailedRun(FineTuneTask task, TrainingFailedException error) {
    }

    /** Forward calls: 2 in the settings check, then 1 per step (no validation here), so call 2 + k is step k. */
    private static FineTuneSettings.Builder settings() {
        return TrainerTest.toySettings().set(FineTuneParameters.VALIDATION_FRACTION, 0.0)
                .set(FineTuneParameters.KEEP_BEST, false).set(FineTuneParameters.CHECKPOINT_EVERY, 3);
    }

    @Test
    void nanLossStopsTheRunAndKeepsTheLastGoodCheckpoint() throws Exception {
        BigramModel inner = new BigramModel(root, 16, 1);
        @SuppressWarnings("unchecked")
        Map<String, float[]>[] atStep6 = new Map[1];
        FaultyModel model = new FaultyModel(inner, 2 + 8, l -> l.mul(Float.NaN));
        Path folder = tmp.resolve("run");
        FineTuneTask task = TrainerTest.runTask(run(folder, settings().build(), model)
                .listener(new TrainingListener() {
                    @Override
                    public void onStep(StepMetrics m) {
                        if (m.step() == 6) {
                            atStep6[0] = TrainerTest.snapshot(inner);
                        }
                    }
                }).build());
        assertEquals(TaskStatus.FAILED, task.status());
        assertTrue(task.message().contains("step 8") && task.message().contains("NaN"), task.message());
        assertTrue(task.message().contains("step 6"), "names the kept checkpoint: " + task.message());
        RunFolder f = new RunFolder(folder);
        assertEquals(RunState.FAILED, f.readStatus().state());
        assertEquals(task.message(), f.readStatus().message());
        assertEquals(List.of(3L, 6L), f.checkpoints().steps());
        var kept = f.checkpoints().latest().orElseThrow();
        assertArrayEquals(atStep6[0].get("head.weight"), kept.weights().get("head.weight").toFloatArray());
        // the weights in memory were not touched by the NaN step either (step 7 was applied, 8 was not)
        assertFalse(Float.isNaN(inner.parameters().get("head.weight").toFloatArray()[0]));
    }

    @Test
    void outOfMemoryStopsWithAdviceOnWhatToLower() throws Exception {
        FaultyModel model = new FaultyModel(new BigramModel(root, 16, 1), 2 + 4, l -> {
            throw new EngineException("CUDA out of memory. Tried to allocate 2.00 GiB");
        });
        FailedRun r = failedRun(tmp.resolve("run"), settings().build(), model);
        assertEquals(Kind.OUT_OF_MEMORY, r.error().kind());
        String m = r.error().getMessage();
        assertTrue(m.contains("out of memory at step 4") && m.contains("batch size 4") && m.contains("to 2 with grad "
                + "accumulation 2") && m.contains("window length 64") && m.contains("step 3"), m);
        assertTrue(m.contains("switch on activation checkpointing"), m);
        assertEquals(!m.contains("method lora"), m.contains("use LoRA"), "LoRA is suggested only to other methods: " + m);
        RunFolder f = new RunFolder(tmp.resolve("run"));
        assertEquals(RunState.FAILED, f.readStatus().state());
        assertEquals(List.of(3L), f.checkpoints().steps());
    }

    @Test
    void aFullDiskIsRefusedBeforeTraining() throws Exception {
        Path folder = tmp.resolve("run");
        FineTuneTask task = TrainerTest.runTask(run(folder, settings().build(),
                new BigramModel(root, 16, 1)).usableSpace(() -> 100_000).build());
        assertEquals(TaskStatus.FAILED, task.status());
        // 2 × 128 × 16 + 16 + 128 trained values × 12 bytes + 64 KiB, × (keep-last 2 + 2)
        assertTrue(task.message().contains("not enough disk space") && task.message().contains("Lower 'checkpoints "
                + "kept' (now 2)"), task.message());
        assertFalse(Files.exists(folder.resolve("metrics.csv")), "no training happened");
        assertEquals(RunState.FAILED, new RunFolder(folder).readStatus().state());
    }

    @Test
    void anUnwritableFolderIsRefusedBeforeTraining() throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-folder"), "x");
        FailedRun r = failedRun(file.resolve("run"), settings().build(), new BigramModel(root, 16, 1));
        assertEquals(Kind.DISK, r.error().kind());
        assertTrue(r.error().getMessage().contains("cannot write to the run folder " + file.resolve("run")),
                r.error().getMessage());
    }

    @Test
    void shortRecordsArePaddedOrRefusedByName() throws Exception {
        WindowSource train = WindowSource.of(List.of(
                new TokenWindow("chrM-fragment", 0, false, ToyData.sequence(40, 3).getBytes(), true),
                new TokenWindow("long", 0, false, ToyData.sequence(64, 4).getBytes(), false),
                new TokenWindow("long", 64, false, ToyData.sequence(30, 5).getBytes(), false)));
        FineTuneSettings reject = settings().set(FineTuneParameters.SHORT_SEQUENCES, ShortSequencePolicy.REJECT)
                .set(FineTuneParameters.MAX_STEPS, 2).set(FineTuneParameters.WARMUP_STEPS, 0).build();
        FineTuneTask refused = TrainerTest.runTask(FineTuneRun.newRun(tmp.resolve("a"), reject)
                .model(new BigramModel(root, 16, 1), ToyData.model())
                .data(train, WindowSource.of(List.of()), ToyData.manifest(train, WindowSource.of(List.of()))).build());
        assertEquals(TaskStatus.FAILED, refused.status());
        assertTrue(refused.message().contains("record 'chrM-fragment' (training) is 40 bases long, shorter than "
                + "the 64-base window"), refused.message());

        FineTuneSettings pad = reject.toBuilder().set(FineTuneParameters.SHORT_SEQUENCES, ShortSequencePolicy.PAD)
                .build();
        FineTuneTask padded = TrainerTest.runTask(FineTuneRun.newRun(tmp.resolve("b"), pad)
                .model(new BigramModel(root, 16, 1), ToyData.model())
                .data(train, WindowSource.of(List.of()), ToyData.manifest(train, WindowSource.of(List.of()))).build());
        assertEquals(TaskStatus.FINISHED, padded.status(), padded.message());
        assertEquals(2, MetricsLog.read(tmp.resolve("b").resolve("metrics.csv")).size());
        assertEquals(40 + 64 + 30, Long.parseLong(MetricsLog.read(tmp.resolve("b").resolve("metrics.csv")).get(0)
                .get("tokens")));
    }

    @Test
    void aBrokenModelFailsInTheSettingsCheckBeforeAnyStep() throws Exception {
        // logits of the wrong width: targets (ASCII 'A' = 65 …) fall outside 8 classes
        FaultyModel model = new FaultyModel(new BigramModel(root, 16, 1), 1,
                l -> l.get(new ai.djl.ndarray.index.NDIndex(":, :, 0:8")));
        FailedRun r = failedRun(tmp.resolve("run"), settings().build(), model);
        assertEquals(Kind.SETTINGS_CHECK, r.error().kind());
        assertTrue(r.error().getMessage().startsWith("the settings check on the first two batches failed"),
                r.error().getMessage());
        assertEquals(1, model.calls, "stopped at the first batch");
        assertEquals(0, MetricsLog.read(tmp.resolve("run").resolve("metrics.csv")).size());
    }

    @Test
    void aNewRunRefusesAFolderThatHoldsARun() throws Exception {
        Path folder = tmp.resolve("run");
        FineTuneSettings s = settings().set(FineTuneParameters.MAX_STEPS, 2).set(FineTuneParameters.WARMUP_STEPS, 0)
                .build();
        TrainerTest.runTask(run(folder, s, new BigramModel(root, 16, 1)).build());
        FailedRun r = failedRun(folder, s, new BigramModel(root, 16, 1));
        assertEquals(Kind.RESUME, r.error().kind());
        assertTrue(r.error().getMessage().contains("already holds a run"), r.error().getMessage());
    }
}
