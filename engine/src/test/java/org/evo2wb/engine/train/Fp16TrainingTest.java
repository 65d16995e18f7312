package org.evo2wb.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.evo2wb.engine.lora.TinyModel;
import org.evo2wb.engine.model.GradMode;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.Scalars;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.task.TaskStatus;
import org.evo2wb.engine.train.run.CheckpointStore;
import org.evo2wb.engine.train.run.RunFolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fp16-mixed training: dynamic loss scaling in the loop, and the tiny Evo 2 model learning in fp16 on the CPU. */
class Fp16TrainingTest {

    @TempDir
    Path tmp;

    static NDManager root;

    @BeforeAll
    static void open() {
        root = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        root.close();
    }

    /**
     * The toy bigram model as an fp16-mixed run sees it, with an overflowing gradient injected into one forward that
     * records gradients: {@code head.bias − (a constant copy of it)}, times 10^38, is added to the logits. That adds 0,
     * so the loss stays finite, but its gradient is 10^38 per logit, which the loss scale of 2^16 takes beyond fp32.
     */
    static class Overflowing implements TrainableModel {
        private final BigramModel inner = new BigramModel(root, 16, 1);
        private final int injectAt;
        private int gradForwards;

        Overflowing(int injectAt) {
            this.injectAt = injectAt;
        }

        @Override
        public NDArray logits(NDArray tokens) {
            NDArray out = inner.logits(tokens);
            if (GradMode.isEnabled() && ++gradForwards == injectAt) {
                NDArray bias = inner.parameters().get("head.bias");
                NDArray constant;
                try (GradMode off = GradMode.disabled()) {
                    constant = bias.duplicate();
                }
                out = out.add(Scalars.mul(bias.sub(constant), 1e38));
            }
            return out;
        }

        @Override
        public Map<String, NDArray> parameters() {
            return inner.parameters();
        }

        @Override
        public NDManager manager() {
            return inner.manager();
        }

        @Override
        public String precision() {
            return "fp16";
        }
    }

    @Test
    void anOverflowingStepIsSkippedWithTheScaleHalvedAndTheRunGoesOn() throws Exception {
        // two forwards for the settings check, then one per step: the fifth is step 3
        Overflowing model = new Overflowing(5);
        List<StepMetrics> steps = new ArrayList<>();
        List<Map<String, float[]>> weights = new ArrayList<>();
        TrainingListener l = new TrainingListener() {
            @Override
            public void onStep(StepMetrics m) {
                steps.add(m);
                weights.add(TrainerTest.snapshot(model));
            }
        };
        FineTuneSettings s = TrainerTest.toySettings().set(FineTuneParameters.PRECISION, Precision.FP16)
                .set(FineTuneParameters.MAX_STEPS, 6).set(FineTuneParameters.EVAL_EVERY, 3)
                .set(FineTuneParameters.CHECKPOINT_EVERY, 3).build();
        Path folder = tmp.resolve("run");
        FineTuneTask task = TrainerTest.runTask(TrainerTest.newRun(folder, s, model).listener(l).build());
        assertEquals(TaskStatus.FINISHED, task.status(), task.message());
        assertEquals(6, steps.size());
        for (StepMetrics m : steps) {
            assertEquals(m.step() == 3, Double.isNaN(m.gradNorm()), "grad norm of step " + m.step());
            assertTrue(Double.isFinite(m.trainLoss()), "the loss of every step is finite");
        }
        for (String key : weights.get(1).keySet()) {
            assertArrayEquals(weights.get(1).get(key), weights.get(2).get(key), key + " changed in the skipped step");
        }
        assertFalse(java.util.Arrays.equals(weights.get(2).get("head.weight"), weights.get(3).get("head.weight")),
                "step 4 updates again");

        CheckpointStore store = new RunFolder(folder).checkpoints();
        assertEquals(List.of(3L, 6L), store.steps());
        JsonObject at3 = store.load(store.dir().resolve(CheckpointStore.stepName(3))).state()
                .getAsJsonObject("loss-scaler");
        assertEquals(32768, at3.get("scale").getAsDouble());
        assertEquals(0, at3.get("good-steps").getAsInt());
        JsonObject at6 = store.latest().orElseThrow().state().getAsJsonObject("loss-scaler");
        assertEquals(32768, at6.get("scale").getAsDouble());
        assertEquals(3, at6.get("good-steps").getAsInt());
    }

    @Test
    void withoutScalingTheSameOverflowStopsTheRun() {
        Overflowing model = new Overflowing(5) {
            @Override
            public String precision() {
                return "fp32";
            }
        };
        FineTuneSettings s = TrainerTest.toySettings().set(FineTuneParameters.MAX_STEPS, 6).build();
        FineTuneTask task = TrainerTest.runTask(TrainerTest.newRun(tmp.resolve("run"), s, model).build());
        assertEquals(TaskStatus.FAILED, task.status());
        assertTrue(task.message().startsWith("training stopped at step 3: the loss became "), task.message());
    }

    @Test
    void theTinyEvo2ModelLearnsInFp16WithFp32MasterWeights() throws Exception {
        List<StepMetrics> steps = new ArrayList<>();
        try (StripedHyena base = TinyModel.load(Precision.FP16)) {
            FineTuneSettings s = Evo2FineTuneTest.settings(FineTuneMethod.FULL)
                    .set(FineTuneParameters.PRECISION, Precision.FP16).set(FineTuneParameters.LEARNING_RATE, 3e-3)
                    .build();
            Evo2Model model = Evo2Model.prepare(base, s);
            FineTuneTask task = Evo2FineTuneTest.run(tmp.resolve("full16"), s, model, steps);
            assertEquals(TaskStatus.FINISHED, task.status(), task.message());
            double first = steps.get(0).trainLoss();
            double lastThree = (steps.get(9).trainLoss() + steps.get(10).trainLoss() + steps.get(11).trainLoss()) / 3;
            System.out.printf("tiny model, full fine-tuning in fp16-mixed on the CPU: loss %.4f -> %.4f%n", first,
                    lastThree);
            assertTrue(lastThree < first - 0.5, "loss " + first + " -> " + lastThree);
            List<Long> skipped = steps.stream().filter(m -> Double.isNaN(m.gradNorm())).map(StepMetrics::step)
                    .toList();
            System.out.println("steps skipped while the loss scale adapted: " + skipped);
            assertTrue(skipped.size() <= 4, "skipped " + skipped);
            base.parameters().forEach((k, v) -> assertEquals(DataType.FLOAT32, v.getDataType(), k));
        }
    }
}
