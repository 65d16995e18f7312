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
import org.evo2wb.engine.model.MasterWeights;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.Scalars;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.task.TaskStatus;
import org.evo2wb.engine.train.data.TrainingData;
import org.evo2wb.engine.train.run.CheckpointStore;
import org.evo2wb.engine.train.run.FineTunedModel;
import org.evo2wb.engine.train.run.RunFolder;
import org.evo2wb.engine.train.settings.FineTuneMethod;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.FineTuneSettings;
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
        try (StripedHyena base = TinyModel.load(Precision.FP16, MasterWeights.FP32)) {
            FineTuneSettings s = Evo2FineTuneTest.settings(FineTuneMethod.FULL)
                    .set(FineTuneParameters.PRECISION, Precision.FP16).set(FineTuneParameters.LEARNING_RATE, 3e-3)
                    .build();
            TrainableStripedHyena model = TrainableStripedHyena.prepare(base, s);
            FineTuneTask task = run(tmp.resolve("full16"), s, model, steps);
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

    @Test
    void loraTrainsOnFp16OnlyBaseWeightsAndTheRunLoadsBackInFp16() throws Exception {
        List<StepMetrics> steps = new ArrayList<>();
        Path folder = tmp.resolve("lora16");
        FineTuneSettings s = Evo2FineTuneTest.settings(FineTuneMethod.LORA)
                .set(FineTuneParameters.PRECISION, Precision.FP16).set(FineTuneParameters.MAX_STEPS, 6).build();
        try (StripedHyena base = TinyModel.load(Precision.FP16, TrainableStripedHyena.masterWeights(s))) {
            Map<String, float[]> before = Evo2FineTuneTest.frozen(base);
            TrainableStripedHyena model = TrainableStripedHyena.prepare(base, s);
            FineTuneTask task = run(folder, s, model, steps);
            assertEquals(TaskStatus.FINISHED, task.status(), task.message());
            assertTrue(steps.get(5).trainLoss() < steps.get(0).trainLoss(), "the adapters learn");
            assertEquals(DataType.FLOAT16, base.linears().get("blocks.0.mlp.l1").weight().getDataType());
            Map<String, float[]> after = Evo2FineTuneTest.frozen(base);
            before.forEach((k, v) -> assertArrayEquals(v, after.get(k), k + " changed although frozen"));
        }
        try (FineTunedModel half = FineTunedModel.load(folder, ai.djl.Device.cpu(), Precision.FP16, true);
             FineTunedModel full = FineTunedModel.load(folder, ai.djl.Device.cpu(), Precision.FP32, true)) {
            NDArray w16 = half.model().linears().get("blocks.0.mlp.l1").weight();
            NDArray w32 = full.model().linears().get("blocks.0.mlp.l1").weight();
            assertEquals(DataType.FLOAT16, w16.getDataType());
            float[] a = w16.toType(DataType.FLOAT32, false).toFloatArray();
            float[] b = w32.toFloatArray();
            for (int i = 0; i < a.length; i++) {
                assertEquals(b[i], a[i], Math.abs(b[i]) * 1e-3 + 1e-7, "merged weight " + i);
            }
        }
    }

    @Test
    void fullFineTuningRefusesFp16OnlyWeightsAndItsRunLoadsRoundedToFp16() throws Exception {
        FineTuneSettings s = Evo2FineTuneTest.settings(FineTuneMethod.FULL).set(FineTuneParameters.MAX_STEPS, 2)
                .build();
        FineTuneSettings s16 = s.toBuilder().set(FineTuneParameters.PRECISION, Precision.FP16).build();
        assertEquals(MasterWeights.FP32, TrainableStripedHyena.masterWeights(s16));
        try (StripedHyena base = TinyModel.load(Precision.FP16, MasterWeights.NONE)) {
            FineTuneTask task = run(tmp.resolve("refused"), s16, TrainableStripedHyena.prepare(base, s16),
                    new ArrayList<>());
            assertEquals(TaskStatus.FAILED, task.status());
            assertTrue(task.message().contains("without fp32 master weights"), task.message());
        }
        Path folder = tmp.resolve("full32");
        try (StripedHyena base = TinyModel.load(Precision.FP32)) {
            FineTuneTask task = run(folder, s, TrainableStripedHyena.prepare(base, s), new ArrayList<>());
            assertEquals(TaskStatus.FINISHED, task.status(), task.message());
        }
        try (FineTunedModel half = FineTunedModel.load(folder, ai.djl.Device.cpu(), Precision.FP16, false);
             FineTunedModel full = FineTunedModel.load(folder, ai.djl.Device.cpu(), Precision.FP32, false)) {
            NDArray w32 = full.model().linears().get("blocks.3.inner_mha_cls.Wqkv").weight();
            NDArray w16 = half.model().linears().get("blocks.3.inner_mha_cls.Wqkv").weight();
            assertEquals(DataType.FLOAT16, w16.getDataType());
            assertArrayEquals(w32.toType(DataType.FLOAT16, false).toType(DataType.FLOAT32, false).toFloatArray(),
                    w16.toType(DataType.FLOAT32, false).toFloatArray(), "the trained fp32 weights, rounded to fp16");
        }
    }

    /** {@link Evo2FineTuneTest#run} with the tiny model's config recorded, so {@link FineTunedModel#load} works. */
    private static FineTuneTask run(Path folder, FineTuneSettings s, TrainableStripedHyena model, List<StepMetrics> steps)
            throws Exception {
        TrainingData data = TrainingData.build(List.of(Evo2FineTuneTest.FASTA), s,
                org.evo2wb.bio.ReadProgress.NONE);
        Path weights = TinyModel.resource("golden/tiny.pt");
        FineTuneTask task = FineTuneRun.newRun(folder, s).model(model, org.evo2wb.engine.train.run.ModelDescription
                        .of("evo2-tiny-golden", org.evo2wb.engine.model.Evo2Config.load(
                                TinyModel.resource("golden/tiny.yml")), weights))
                .data(data.train(), data.validation(), data.manifest())
                .listener(new TrainingListener() {
                    @Override
                    public void onStep(StepMetrics m) {
                        steps.add(m);
                    }
                }).build().task();
        task.run();
        return task;
    }
}
