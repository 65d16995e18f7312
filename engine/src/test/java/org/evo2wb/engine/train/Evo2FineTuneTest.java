package org.evo2wb.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.evo2wb.bio.ReadProgress;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.TorchCheckpoint;
import org.evo2wb.engine.lora.Lora;
import org.evo2wb.engine.lora.PeftAdapter;
import org.evo2wb.engine.lora.TinyModel;
import org.evo2wb.engine.model.GradMode;
import org.evo2wb.engine.model.ParameterKind;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.task.TaskStatus;
import org.evo2wb.engine.train.data.TrainingData;
import org.evo2wb.engine.train.optim.NextTokenLoss;
import org.evo2wb.engine.train.optim.WeightDecayRule;
import org.evo2wb.engine.train.run.MetricsLog;
import org.evo2wb.engine.train.run.ModelDescription;
import org.evo2wb.engine.train.settings.FineTuneMethod;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.FineTuneSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fine-tuning the tiny golden Evo 2 model on real sequence (the ten Yersinia pestis pPCP1 CDS records of
 * biopython_NC_005816.ffn.gz, 5,814 bp, from Debian's python-biopython-doc).
 */
class Evo2FineTuneTest {

    @TempDir
    Path tmp;

    static final Path FASTA = TinyModel.resource("data/biopython_NC_005816.ffn.gz");

    static FineTuneSettings.Builder settings(FineTuneMethod method) {
        return FineTuneSettings.builder(null).set(FineTuneParameters.METHOD, method)
                .set(FineTuneParameters.WINDOW_LENGTH, 96).set(FineTuneParameters.BATCH_SIZE, 4)
                .set(FineTuneParameters.LORA_RANK, 4).set(FineTuneParameters.LEARNING_RATE, 1e-2)
                .set(FineTuneParameters.MAX_STEPS, 12).set(FineTuneParameters.WARMUP_STEPS, 1)
                .set(FineTuneParameters.EVAL_EVERY, 4).set(FineTuneParameters.EVAL_BATCHES, 2)
                .set(FineTuneParameters.VALIDATION_FRACTION, 0.2).set(FineTuneParameters.DEVICE, "cpu")
                .set(FineTuneParameters.SEED, 11L);
    }

    static ModelDescription tinyDescription() throws Exception {
        return ModelDescription.of("evo2-tiny-golden", new com.google.gson.JsonObject(),
                TinyModel.resource("golden/tiny.pt"));
    }

    static FineTuneTask run(Path folder, FineTuneSettings s, TrainableStripedHyena model, List<StepMetrics> steps)
            throws Exception {
        TrainingData data = TrainingData.build(List.of(FASTA), s, ReadProgress.NONE);
        FineTuneTask task = FineTuneRun.newRun(folder, s).model(model, tinyDescription())
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

    static Map<String, float[]> frozen(StripedHyena model) {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        model.parameters().forEach((k, v) -> {
            if (!k.contains("lora_")) {
                out.put(k, v.toFloatArray());
            }
        });
        return out;
    }

    @Test
    void loraLowersTheLossLeavesTheBaseAloneAndSavesAPeftAdapter() throws Exception {
        List<StepMetrics> steps = new ArrayList<>();
        Path folder = tmp.resolve("lora");
        float[] trainedLogits;
        try (StripedHyena base = TinyModel.load()) {
            Map<String, float[]> before = frozen(base);
            FineTuneSettings s = settings(FineTuneMethod.LORA).build();
            TrainableStripedHyena model = TrainableStripedHyena.prepare(base, s);
            assertEquals(25, model.adapters().size());
            int[] arrays = new int[2];
            List<StepMetrics> counting = new ArrayList<>() {
                @Override
                public boolean add(StepMetrics m) {
                    if (m.step() == 3 || m.step() == 12) {
                        arrays[m.step() == 3 ? 0 : 1] = base.manager().getManagedArrays().size();
                    }
                    return steps.add(m);
                }
            };
            FineTuneTask task = run(folder, s, model, counting);
            assertEquals(TaskStatus.FINISHED, task.status(), task.message());
            TrainingResult r = task.result().join();
            System.out.printf("tiny model LoRA: %d steps, loss %.4f -> %.4f, %.1f tokens/s, %.2f s/step, best val %.4f"
                            + " bits/base at step %d%n", r.steps(), steps.get(0).trainLoss(), r.lastTrainLoss(),
                    steps.get(steps.size() - 1).tokensPerSecond(),
                    steps.get(steps.size() - 1).elapsed().toMillis() / 1000.0 / steps.size(),
                    r.bestValidationLoss() / Math.log(2), r.bestStep());

            double first = steps.get(0).trainLoss();
            double lastThree = (steps.get(9).trainLoss() + steps.get(10).trainLoss() + steps.get(11).trainLoss()) / 3;
            assertTrue(lastThree < first - 0.5, "loss " + first + " -> " + lastThree);
            Map<String, float[]> after = frozen(base);
            for (String key : before.keySet()) {
                assertArrayEquals(before.get(key), after.get(key), key + " changed although frozen");
            }
            assertTrue(model.adapters().get("blocks.0.mlp.l1").loraB().abs().sum().getFloat() > 0, "B trained");

            assertNotNull(r.adapter());
            assertTrue(r.message().contains("adapter saved from the best checkpoint"), r.message());
            PeftAdapter.Saved saved = PeftAdapter.read(r.adapter());
            assertEquals(50, saved.weights().size());
            assertEquals(4, saved.config().rank());
            assertEquals(8.0, saved.config().alpha());
            assertEquals("evo2-tiny-golden", saved.config().baseModel());
            assertEquals(12, r.bestStep(), "this seeded run keeps improving, so the best adapter is the last");
            model.setTraining(false);
            trainedLogits = logits(base);
            assertEquals(arrays[0], arrays[1], "arrays held by the model's manager grew between steps 3 and 12");
        }
        // the adapter on a fresh copy of the base model reproduces the trained model
        try (StripedHyena fresh = TinyModel.load()) {
            Lora.load(fresh, folder.resolve("adapter"));
            float[] again = logits(fresh);
            for (int i = 0; i < again.length; i++) {
                assertEquals(trainedLogits[i], again[i], 1e-4);
            }
        }
        assertEquals(12, MetricsLog.read(folder.resolve("metrics.csv")).size());
    }

    @Test
    void loraWithDropoutResumesToTheSameAdapter() throws Exception {
        FineTuneSettings s = settings(FineTuneMethod.LORA).set(FineTuneParameters.MAX_STEPS, 6)
                .set(FineTuneParameters.CHECKPOINT_EVERY, 3).set(FineTuneParameters.LORA_DROPOUT, 0.3).build();
        Map<String, float[]> expected;
        try (StripedHyena base = TinyModel.load()) {
            TrainableStripedHyena model = TrainableStripedHyena.prepare(base, s);
            run(tmp.resolve("straight"), s, model, new ArrayList<>());
            expected = adapters(base);
        }
        Path folder = tmp.resolve("crashed");
        try (StripedHyena base = TinyModel.load()) {
            TrainingData data = TrainingData.build(List.of(FASTA), s, ReadProgress.NONE);
            FineTuneTask crashed = FineTuneRun.newRun(folder, s).model(TrainableStripedHyena.prepare(base, s), tinyDescription())
                    .data(data.train(), data.validation(), data.manifest()).listener(new TrainingListener() {
                        @Override
                        public void onStep(StepMetrics m) {
                            if (m.step() == 4) {
                                throw new TrainerTest.SimulatedCrash();
                            }
                        }
                    }).build().task();
            crashed.run();
            assertEquals(TaskStatus.FAILED, crashed.status());
        }
        try (StripedHyena base = TinyModel.load()) {
            FineTuneSettings recorded = FineTuneRun.readSettings(folder);
            TrainingData data = TrainingData.build(List.of(FASTA), recorded, ReadProgress.NONE);
            FineTuneTask resumed = FineTuneRun.resume(folder).model(TrainableStripedHyena.prepare(base, recorded),
                    tinyDescription()).data(data.train(), data.validation(), data.manifest()).build().task();
            resumed.run();
            assertEquals(TaskStatus.FINISHED, resumed.status(), resumed.message());
            Map<String, float[]> actual = adapters(base);
            assertEquals(expected.keySet(), actual.keySet());
            for (String k : expected.keySet()) {
                float[] e = expected.get(k);
                float[] a = actual.get(k);
                for (int i = 0; i < e.length; i++) {
                    assertEquals(e[i], a[i], 1e-6, k + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void filtersOnlyTrainsHyenaFiltersAndNorms() throws Exception {
        try (StripedHyena base = TinyModel.load()) {
            Map<String, float[]> before = frozen(base);
            FineTuneSettings s = settings(FineTuneMethod.FILTERS).set(FineTuneParameters.MAX_STEPS, 2)
                    .set(FineTuneParameters.WARMUP_STEPS, 0).build();
            FineTuneTask task = run(tmp.resolve("filters"), s, TrainableStripedHyena.prepare(base, s), new ArrayList<>());
            assertEquals(TaskStatus.FINISHED, task.status(), task.message());
            Map<String, float[]> after = frozen(base);
            List<String> changed = new ArrayList<>();
            for (String k : before.keySet()) {
                if (!java.util.Arrays.equals(before.get(k), after.get(k))) {
                    changed.add(k);
                }
            }
            assertTrue(changed.contains("blocks.2.filter.log_poles"), changed.toString());
            assertTrue(changed.contains("blocks.1.filter.h"), changed.toString());
            assertTrue(changed.contains("blocks.0.pre_norm.scale"), changed.toString());
            for (String k : changed) {
                assertTrue(TrainableSelection.isFilterOrNorm(k), k + " changed");
            }
            assertFalse(Files.exists(tmp.resolve("filters").resolve("adapter")));
        }
    }

    @Test
    void fullFineTuningTrainsEveryWeightButNotTheRopeBuffers() throws Exception {
        try (StripedHyena base = TinyModel.load()) {
            Map<String, float[]> before = frozen(base);
            FineTuneSettings s = settings(FineTuneMethod.FULL).set(FineTuneParameters.MAX_STEPS, 2)
                    .set(FineTuneParameters.WARMUP_STEPS, 0).set(FineTuneParameters.LEARNING_RATE, 1e-3).build();
            FineTuneTask task = run(tmp.resolve("full"), s, TrainableStripedHyena.prepare(base, s), new ArrayList<>());
            assertEquals(TaskStatus.FINISHED, task.status(), task.message());
            Map<String, float[]> after = frozen(base);
            Map<String, ParameterKind> kinds = base.parameterKinds();
            for (String k : before.keySet()) {
                boolean changed = !java.util.Arrays.equals(before.get(k), after.get(k));
                assertEquals(kinds.get(k) != ParameterKind.ROTARY_INV_FREQ, changed, k);
            }
        }
    }

    @Test
    void theLossIsTheGoldenMeanCrossEntropyAndDecayFollowsTheModelsRoles() throws Exception {
        double golden;
        HostTensor ids;
        golden = TorchCheckpoint.readTensors(TinyModel.resource("golden/tiny_ref_f64.pt")).get("loss_f64")
                .toDoubleArray()[0];
        try (TorchCheckpoint c = TorchCheckpoint.open(TinyModel.resource("golden/tiny_ids.pt"))) {
            ids = c.singleTensor();
        }
        try (StripedHyena model = TinyModel.load(); NDManager m = NDManager.newBaseManager();
             GradMode off = GradMode.disabled()) {
            NDArray tokens = m.create(ids.toLongArray(), new Shape(ids.shape()));
            long rows = ids.shape()[0];
            long length = ids.shape()[1];
            NDArray targets = tokens.get(":, 1:").toType(DataType.INT64, false);
            NDArray weights = m.ones(new Shape(rows, length - 1));
            double loss = NextTokenLoss.loss(model.forward(tokens), targets, weights, rows * (length - 1)).getFloat();
            assertEquals(golden, loss, 1e-5);
            model.parameterKinds().forEach((k, kind) -> {
                if (kind != ParameterKind.ROTARY_INV_FREQ) {
                    assertEquals(kind.usesWeightDecay(), WeightDecayRule.decays(k,
                            model.parameters().get(k).getShape().dimension()), k);
                }
            });
        }
    }

    private static Map<String, float[]> adapters(StripedHyena model) {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        model.parameters().forEach((k, v) -> {
            if (k.contains("lora_")) {
                out.put(k, v.toFloatArray());
            }
        });
        return out;
    }

    private static float[] logits(StripedHyena model) {
        try (NDManager m = NDManager.newBaseManager(); GradMode off = GradMode.disabled()) {
            long[] ids = new long[60];
            byte[] s = "ATGAAACGCATTAGCACCACCATTACCACCACCATCACCATTACCACAGGTAACGGTGCG".getBytes();
            for (int i = 0; i < ids.length; i++) {
                ids[i] = s[i];
            }
            return model.forward(m.create(ids, new Shape(1, ids.length))).toFloatArray();
        }
    }
}
