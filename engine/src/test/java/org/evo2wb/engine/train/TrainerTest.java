package org.evo2wb.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.evo2wb.engine.task.TaskStatus;
import org.evo2wb.engine.train.data.WindowSource;
import org.evo2wb.engine.train.run.CheckpointStore;
import org.evo2wb.engine.train.run.MetricsLog;
import org.evo2wb.engine.train.run.RunFolder;
import org.evo2wb.engine.train.run.RunState;
import org.evo2wb.engine.train.settings.FineTuneMethod;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.FineTuneSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loop on a toy bigram model: learning, run folder, resume after a crash, and the ways a run ends. */
class TrainerTest {

    static final int WINDOW = 64;
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

    static FineTuneSettings.Builder toySettings() {
        return FineTuneSettings.builder(null)
                .set(FineTuneParameters.METHOD, FineTuneMethod.FULL)
                .set(FineTuneParameters.WINDOW_LENGTH, WINDOW)
                .set(FineTuneParameters.BATCH_SIZE, 4)
                .set(FineTuneParameters.LEARNING_RATE, 2e-2)
                .set(FineTuneParameters.MAX_STEPS, 20)
                .set(FineTuneParameters.WARMUP_STEPS, 2)
                .set(FineTuneParameters.EVAL_EVERY, 5)
                .set(FineTuneParameters.CHECKPOINT_EVERY, 5)
                .set(FineTuneParameters.DEVICE, "cpu")
                .set(FineTuneParameters.SEED, 7L);
    }

    static FineTuneRun.Builder newRun(Path folder, FineTuneSettings s, TrainableModel model) {
        WindowSource train = ToyData.train(WINDOW);
        WindowSource valid = ToyData.validation(WINDOW);
        return FineTuneRun.newRun(folder, s).model(model, ToyData.model())
                .data(train, valid, ToyData.manifest(train, valid));
    }

    static Map<String, float[]> snapshot(TrainableModel m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : m.parameters().entrySet()) {
            out.put(e.getKey(), e.getValue().toFloatArray());
        }
        return out;
    }

    /** Runs the task on this thread and returns it. */
    static FineTuneTask runTask(FineTuneRun run) {
        FineTuneTask task = run.task();
        task.run();
        return task;
    }

    @Test
    void learnsAndWritesASelfDescribingFolder() throws Exception {
        BigramModel model = new BigramModel(root, 16, 1);
        List<StepMetrics> steps = new ArrayList<>();
        List<EvalMetrics> evals = new ArrayList<>();
        double[] checked = {Double.NaN};
        int[] arrays = new int[2];
        TrainingListener l = new TrainingListener() {
            @Override
            public void onSettingsChecked(double loss) {
                checked[0] = loss;
            }

            @Override
            public void onStep(StepMetrics m) {
                steps.add(m);
                if (m.step() == 3) {
                    arrays[0] = model.manager().getManagedArrays().size();
                }
                if (m.step() == 18) {
                    arrays[1] = model.manager().getManagedArrays().size();
                }
            }

            @Override
            public void onEvaluation(EvalMetrics m) {
                evals.add(m);
            }
        };
        Path folder = tmp.resolve("run");
        FineTuneTask task = runTask(newRun(folder, toySettings().build(), model).listener(l).build());
        assertEquals(TaskStatus.FINISHED, task.status(), task.message());
        TrainingResult result = task.result().join();
        assertEquals(StopReason.PLANNED_STEPS, result.reason());
        assertEquals(20, result.steps());
        assertEquals(20, task.done());
        assertEquals(20, task.total());

        // an untrained model over 512 tokens starts near ln 512; the motif is learnable
        assertTrue(checked[0] > 4.0, "initial loss " + checked[0]);
        double first = steps.get(0).trainLoss();
        double last = steps.get(steps.size() - 1).trainLoss();
        assertTrue(last < first - 2.0, "loss " + first + " -> " + last);
        assertEquals(4, evals.size());
        assertTrue(evals.get(3).loss() < evals.get(0).loss());
        assertEquals(evals.get(3).loss() / Math.log(2), evals.get(3).bitsPerBase(), 1e-9);
        assertEquals(Math.exp(evals.get(3).loss()), evals.get(3).perplexity(), 1e-9);
        assertEquals(arrays[0], arrays[1], "arrays held by the model's manager grew between steps 3 and 18");

        StepMetrics m = steps.get(5);
        assertTrue(m.tokensPerSecond() > 0);
        assertTrue(m.memoryBytes() > 0);
        assertEquals(2e-2, steps.get(1).learningRate(), 1e-12);       // end of the 2-step warm-up
        assertEquals(2e-3, steps.get(19).learningRate(), 1e-12);      // floor = lr / 10 at the last step
        assertEquals(1.5, steps.get(14).epoch(), 1e-9);               // 10 batches per epoch

        RunFolder f = new RunFolder(folder);
        assertEquals(RunState.FINISHED, f.readStatus().state());
        JsonObject record = f.readRecord();
        assertEquals("evo2wb-run/1", record.get("format").getAsString());
        assertEquals("00ff", record.getAsJsonObject("model").get("source-sha256").getAsString());
        assertEquals(40, record.getAsJsonObject("data").getAsJsonObject("counts").get("trainWindows").getAsLong());
        assertEquals(42, record.getAsJsonObject("data").getAsJsonObject("options").get("splitSeed").getAsLong());
        assertEquals("0.02", record.getAsJsonObject("settings").getAsJsonObject("values").get("learning-rate")
                .getAsString());
        assertEquals(20, record.getAsJsonObject("plan").get("planned-steps").getAsLong());
        assertNotNull(record.getAsJsonObject("environment").get("pytorch").getAsString());
        assertEquals("cpu()", record.getAsJsonObject("environment").get("device").getAsString());
        assertEquals(FineTuneSettings.fromJson(record.getAsJsonObject("settings"), "run.json"), toySettings().build());

        List<Map<String, String>> rows = MetricsLog.read(f.metricsFile());
        assertEquals(20, rows.size());
        assertEquals("", rows.get(3).get("val_loss"));
        assertFalse(rows.get(4).get("val_loss").isEmpty());
        // keep-last 2 (default): steps 15 and 20 remain, and the best one
        assertEquals(List.of(15L, 20L), f.checkpoints().steps());
        CheckpointStore.Loaded best = f.checkpoints().best().orElseThrow();
        assertEquals(result.bestStep(), best.step());
        assertArrayEquals(snapshot(model).get("head.weight"),
                f.checkpoints().latest().orElseThrow().weights().get("head.weight").toFloatArray());
    }

    /** Thrown from a listener to abandon the loop the way a killed process would: no cleanup, no status. */
    static final class SimulatedCrash extends Error {
    }

    @Test
    void resumeAfterACrashEndsAtTheSameWeightsAsAnUninterruptedRun() throws Exception {
        BigramModel straight = new BigramModel(root, 16, 3);
        runTask(newRun(tmp.resolve("straight"), toySettings().build(), straight).build());
        Map<String, float[]> expected = snapshot(straight);

        Path folder = tmp.resolve("crashed");
        BigramModel first = new BigramModel(root, 16, 3);
        FineTuneTask crashed = runTask(newRun(folder, toySettings().build(), first).listener(new TrainingListener() {
            @Override
            public void onStep(StepMetrics m) {
                if (m.step() == 12) {
                    throw new SimulatedCrash();
                }
            }
        }).build());
        assertEquals(TaskStatus.FAILED, crashed.status());
        RunFolder f = new RunFolder(folder);
        assertEquals(RunState.RUNNING, f.readStatus().state(), "a killed run still says running");
        assertEquals(List.of(5L, 10L), f.checkpoints().steps());
        assertEquals(12, MetricsLog.read(f.metricsFile()).size(), "row 12 is written before the crash");

        BigramModel again = new BigramModel(root, 16, 3);       // the starting weights, rebuilt
        FineTuneSettings recorded = FineTuneRun.readSettings(folder);
        WindowSource train = ToyData.train(recorded.get(FineTuneParameters.WINDOW_LENGTH));
        WindowSource valid = ToyData.validation(WINDOW);
        List<Long> resumedSteps = new ArrayList<>();
        FineTuneTask resumed = runTask(FineTuneRun.resume(folder).model(again, ToyData.model())
                .data(train, valid, ToyData.manifest(train, valid)).listener(new TrainingListener() {
                    @Override
                    public void onStart(TrainingPlan plan, long fromStep) {
                        resumedSteps.add(fromStep);
                    }
                }).build());
        assertEquals(TaskStatus.FINISHED, resumed.status(), resumed.message());
        assertEquals(List.of(10L), resumedSteps);
        Map<String, float[]> actual = snapshot(again);
        for (String key : expected.keySet()) {
            float[] e = expected.get(key);
            float[] a = actual.get(key);
            for (int i = 0; i < e.length; i++) {
                assertEquals(e[i], a[i], 1e-6, key + "[" + i + "]");
            }
        }
        List<Map<String, String>> straightRows = MetricsLog.read(tmp.resolve("straight").resolve("metrics.csv"));
        List<Map<String, String>> rows = MetricsLog.read(f.metricsFile());
        assertEquals(20, rows.size());
        for (int i = 0; i < 20; i++) {
            assertEquals(straightRows.get(i).get("train_loss"), rows.get(i).get("train_loss"), "step " + (i + 1));
        }
        assertEquals(RunState.FINISHED, f.readStatus().state());
    }

    @Test
    void resumeRefusesOtherStartingWeights() throws Exception {
        Path folder = tmp.resolve("run");
        runTask(newRun(folder, toySettings().set(FineTuneParameters.MAX_STEPS, 5).build(),
                new BigramModel(root, 16, 1)).build());
        WindowSource train = ToyData.train(WINDOW);
        WindowSource valid = ToyData.validation(WINDOW);
        FineTuneTask task = runTask(FineTuneRun.resume(folder).model(new BigramModel(root, 16, 1),
                        new org.evo2wb.engine.train.run.ModelDescription("other", new JsonObject(), "/x.pt", "beef"))
                .data(train, valid, ToyData.manifest(train, valid)).build());
        assertEquals(TaskStatus.FAILED, task.status());
        assertTrue(task.message().contains("SHA-256 beef"), task.message());
    }

    @Test
    void gradientAccumulationGivesTheGradientOfTheWholeBatch() {
        BigramModel whole = new BigramModel(root, 16, 5);
        BigramModel accumulated = new BigramModel(root, 16, 5);
        FineTuneSettings one = toySettings().set(FineTuneParameters.MAX_STEPS, 3).set(FineTuneParameters.WARMUP_STEPS, 0)
                .set(FineTuneParameters.VALIDATION_FRACTION, 0.0).set(FineTuneParameters.KEEP_BEST, false).build();
        FineTuneSettings two = one.toBuilder().set(FineTuneParameters.BATCH_SIZE, 2)
                .set(FineTuneParameters.GRAD_ACCUMULATION, 2).build();
        runTask(newRun(tmp.resolve("a"), one, whole).build());
        runTask(newRun(tmp.resolve("b"), two, accumulated).build());
        Map<String, float[]> a = snapshot(whole);
        Map<String, float[]> b = snapshot(accumulated);
        for (String key : a.keySet()) {
            for (int i = 0; i < a.get(key).length; i++) {
                assertEquals(a.get(key)[i], b.get(key)[i], 2e-5, key + "[" + i + "]");
            }
        }
    }

    @Test
    void cancelStopsWithinOneStepAndKeepsACheckpoint() throws Exception {
        BigramModel model = new BigramModel(root, 16, 1);
        Path folder = tmp.resolve("run");
        FineTuneTask[] task = new FineTuneTask[1];
        FineTuneRun run = newRun(folder, toySettings().set(FineTuneParameters.GRAD_ACCUMULATION, 3).build(), model)
                .listener(new TrainingListener() {
                    @Override
                    public void onStep(StepMetrics m) {
                        if (m.step() == 3) {
                            task[0].cancel();
                        }
                    }
                }).build();
        task[0] = run.task();
        try (org.evo2wb.engine.task.TaskRunner runner = new org.evo2wb.engine.task.TaskRunner(1)) {
            runner.submit(task[0]);
            assertThrows(CancellationException.class, () -> task[0].result().join());
        }
        assertEquals(TaskStatus.CANCELLED, task[0].status());
        RunFolder f = new RunFolder(folder);
        assertEquals(RunState.CANCELLED, f.readStatus().state());
        assertEquals(3, f.readStatus().step());
        assertEquals(List.of(3L), f.checkpoints().steps());
        assertEquals(3, MetricsLog.read(f.metricsFile()).size());
    }

    @Test
    void cancelBetweenMicroBatchesDropsThePartialStep() throws Exception {
        BigramModel inner = new BigramModel(root, 16, 1);
        FineTuneTask[] task = new FineTuneTask[1];
        Map<String, float[]>[] afterStep1 = new Map[1];
        int[] calls = {0};
        TrainableModel cancelling = new TrainableModel() {
            @Override
            public NDArray logits(NDArray tokens) {
                // 2 calls in the settings check, 3 micro-batches per step: call 7 is step 2, micro-batch 2
                if (++calls[0] == 7) {
                    task[0].cancel();
                }
                return inner.logits(tokens);
            }

            @Override
            public Map<String, NDArray> parameters() {
                return inner.parameters();
            }

            @Override
            public NDManager manager() {
                return inner.manager();
            }
        };
        Path folder = tmp.resolve("run");
        FineTuneSettings s = toySettings().set(FineTuneParameters.GRAD_ACCUMULATION, 3)
                .set(FineTuneParameters.VALIDATION_FRACTION, 0.0).set(FineTuneParameters.KEEP_BEST, false).build();
        WindowSource train = ToyData.train(WINDOW);
        WindowSource none = WindowSource.of(List.of());
        task[0] = FineTuneRun.newRun(folder, s).model(cancelling, ToyData.model())
                .data(train, none, ToyData.manifest(train, none)).listener(new TrainingListener() {
                    @Override
                    public void onStep(StepMetrics m) {
                        afterStep1[0] = snapshot(inner);
                    }
                }).build().task();
        task[0].run();
        assertEquals(TaskStatus.CANCELLED, task[0].status());
        assertEquals(7, calls[0], "no forward after the cancel");
        RunFolder f = new RunFolder(folder);
        assertEquals(1, f.readStatus().step());
        assertEquals(List.of(1L), f.checkpoints().steps());
        assertArrayEquals(afterStep1[0].get("head.weight"), snapshot(inner).get("head.weight"),
                "the partial step was not applied");
    }

    @Test
    void maxTimeAndEarlyStoppingEndTheRunWithTheirReason() {
        // a model that takes at least 10 ms per forward: max time 30 ms ends the run after a few steps, exactly at
        // the first step whose cumulative training time reaches the limit
        BigramModel inner = new BigramModel(root, 16, 1);
        TrainableModel slow = new TrainableModel() {
            @Override
            public NDArray logits(NDArray tokens) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return inner.logits(tokens);
            }

            @Override
            public Map<String, NDArray> parameters() {
                return inner.parameters();
            }

            @Override
            public NDManager manager() {
                return inner.manager();
            }
        };
        List<StepMetrics> timedSteps = new ArrayList<>();
        FineTuneSettings timed = toySettings().set(FineTuneParameters.MAX_TIME, java.time.Duration.ofMillis(30)).build();
        TrainingResult r = runTask(newRun(tmp.resolve("t"), timed, slow).listener(new TrainingListener() {
            @Override
            public void onStep(StepMetrics m) {
                timedSteps.add(m);
            }
        }).build()).result().join();
        assertEquals(StopReason.MAX_TIME, r.reason());
        assertEquals(timedSteps.size(), r.steps());
        assertTrue(timedSteps.get(timedSteps.size() - 1).elapsed().toMillis() >= 30);
        if (timedSteps.size() > 1) {
            assertTrue(timedSteps.get(timedSteps.size() - 2).elapsed().toNanos() < 30_000_000L);
        }
        assertTrue(r.message().startsWith("reached the time limit of 0.03s"), r.message());

        // validation on letters that never occur in training (counted: non-ACGT masking off): training takes
        // probability away from them, so validation only gets worse after the first evaluation
        FineTuneSettings patient = toySettings().set(FineTuneParameters.EVAL_EVERY, 2)
                .set(FineTuneParameters.PATIENCE, 2).set(FineTuneParameters.MASK_NON_ACGT, false).build();
        WindowSource train = ToyData.train(WINDOW);
        WindowSource opposite = WindowSource.of(ToyData.windows("other", "RYKMSW".repeat(40), WINDOW));
        TrainingResult e = runTask(FineTuneRun.newRun(tmp.resolve("e"), patient)
                .model(new BigramModel(root, 16, 1), ToyData.model())
                .data(train, opposite, ToyData.manifest(train, opposite)).build()).result().join();
        assertEquals(StopReason.EARLY_STOPPING, e.reason());
        assertTrue(e.steps() < 20, "stopped at " + e.steps());
        assertEquals(e.bestStep() + 4, e.steps());
    }
}
