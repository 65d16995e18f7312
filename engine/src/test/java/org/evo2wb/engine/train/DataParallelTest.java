package org.evo2wb.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.evo2wb.engine.lora.TinyModel;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.task.TaskStatus;
import org.evo2wb.engine.train.data.HostBatch;
import org.evo2wb.engine.train.data.LossWeights;
import org.evo2wb.engine.train.data.TokenWindow;
import org.evo2wb.engine.train.parallel.DataParallel;
import org.evo2wb.engine.train.parallel.TrainingDevices;
import org.evo2wb.engine.train.optim.NextTokenLoss;
import org.evo2wb.engine.train.optim.ParameterGradients;
import org.evo2wb.engine.train.settings.FineTuneMethod;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.FineTuneSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data parallelism on the tiny golden model with two replicas on the CPU: the same gradients, losses and trained
 * weights as one replica with the whole batch.
 */
class DataParallelTest {

    @TempDir
    Path tmp;

    /** Largest |a − b| over a tensor, relative to the largest |b| of that tensor. */
    static double relativeDifference(float[] a, float[] b) {
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return scale == 0 ? diff : diff / scale;
    }

    /** ‖a − b‖ / ‖b‖ over a tensor. */
    static double relativeNorm(float[] a, float[] b) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < a.length; i++) {
            diff += (a[i] - b[i]) * (double) (a[i] - b[i]);
            norm += b[i] * (double) b[i];
        }
        return norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
    }

    static HostBatch batch(int rows, int length, long seed) {
        java.util.Random r = new java.util.Random(seed);
        List<TokenWindow> windows = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            byte[] t = new byte[length - 7 * i];            // rows of different lengths: padding is split too
            for (int j = 0; j < t.length; j++) {
                t[j] = (byte) "ACGTacgtN".charAt(r.nextInt(9));
            }
            windows.add(new TokenWindow("r" + i, 0, false, t, t.length < length));
        }
        return HostBatch.of(windows, length, LossWeights.from(FineTuneSettings.defaults()));
    }

    static double[] boxed(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    static NDArray loss(TrainableModel model, NDManager m, HostBatch b, double denominator) {
        NDArray tokens = m.create(b.inputs(), new Shape(b.rows(), b.length())).toType(DataType.INT64, false);
        NDArray targets = m.create(b.targets(), new Shape(b.rows(), b.length() - 1)).toType(DataType.INT64, false);
        NDArray weights = NextTokenLoss.weightsOnDevice(m, b.weights(), b.rows(), b.length() - 1);
        return NextTokenLoss.loss(model.logits(tokens), targets, weights, denominator);
    }

    static Map<String, float[]> gradients(Map<String, NDArray> trainable) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            trainable.forEach((k, v) -> {
                NDArray g = ParameterGradients.of(v);
                out.put(k, g == null ? null : g.toFloatArray());
            });
        }
        return out;
    }

    @Test
    void twoReplicasGiveTheGradientOfTheWholeBatchForUnevenShards() throws Exception {
        assertSameGradients(FineTuneMethod.FULL);
    }

    @Test
    void twoReplicasGiveTheAdapterGradientsOfTheWholeBatch() throws Exception {
        assertSameGradients(FineTuneMethod.LORA);
    }

    /** LoRA's B starts at zero, and then A has no gradient: give every B small values first. */
    private static TrainableStripedHyena prepared(StripedHyena base, FineTuneSettings s) {
        TrainableStripedHyena model = TrainableStripedHyena.prepare(base, s);
        java.util.Random r = new java.util.Random(3);
        model.adapters().values().forEach(l -> {
            float[] v = new float[Math.toIntExact(l.loraB().size())];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextGaussian() * 0.01);
            }
            Tensors.copyInto(l.loraB(), Tensors.fromFloats(v, l.loraB().getShape().getShape()), "B");
        });
        return model;
    }

    private void assertSameGradients(FineTuneMethod method) throws Exception {
        FineTuneSettings s = Evo2FineTuneTest.settings(method).set(FineTuneParameters.LORA_DROPOUT, 0.0).build();
        HostBatch b = batch(3, 40, 5);         // 2 rows on the first replica, 1 on the second
        double single;
        Map<String, float[]> expected;
        try (StripedHyena base = TinyModel.load()) {
            TrainableStripedHyena model = prepared(base, s);
            Map<String, NDArray> trainable = TrainableSelection.select(model, method);
            TrainableSelection.freezeAllBut(model, trainable);
            try (NDManager m = model.manager().newSubManager(); NDScope scope = new NDScope();
                 GradientCollector c = Engine.getInstance().newGradientCollector()) {
                NDArray l = loss(model, m, b, b.weightSum());
                c.backward(l);
                single = l.getFloat();
            }
            expected = gradients(trainable);
        }
        try (StripedHyena base = TinyModel.load()) {
            TrainableStripedHyena model = prepared(base, s);
            Map<String, NDArray> trainable = TrainableSelection.select(model, method);
            TrainableSelection.freezeAllBut(model, trainable);
            double split;
            Map<String, float[]> actual;
            try (DataParallel dp = DataParallel.start(model, trainable, List.of(Device.cpu(), Device.cpu()))) {
                assertNotNull(dp);
                assertEquals(2, dp.size());
                split = dp.forwardBackward(b, (replica, m, shard) -> {
                    assertTrue(shard.rows() == 2 && replica == model || shard.rows() == 1 && replica != model,
                            "2 rows on the model being trained, 1 on the copy");
                    return loss(replica, m, shard, b.weightSum());
                }, 1.0);
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    dp.reduceGradients();
                }
                actual = gradients(trainable);
            }
            assertEquals(single, split, 1e-5 * Math.abs(single));
            assertEquals(expected.keySet(), actual.keySet());
            int compared = 0;
            double worst = 0;
            for (String k : expected.keySet()) {
                assertNotNull(actual.get(k), k);
                double d = relativeDifference(actual.get(k), expected.get(k));
                assertTrue(d < 1e-5, k + ": relative difference " + d);
                assertTrue(java.util.Arrays.stream(boxed(expected.get(k))).anyMatch(x -> x != 0), k + " has a gradient");
                worst = Math.max(worst, d);
                compared++;
            }
            assertEquals(expected.size(), compared);
            assertEquals(method == FineTuneMethod.LORA ? 50 : base.parameters().size() - 1, compared);
            System.out.printf("%s gradients on cpu,cpu: largest relative difference %.2e over %d tensors%n", method,
                    worst, compared);
        }
    }

    /**
     * One run on one device and one on "cpu,cpu", same settings and seed (grad accumulation 2, so gradients add up
     * over micro-batches on each replica before they are summed): the same step losses and trained weights. Adam's ε
     * is 1e-4 here: with ε = 1e-8, an element whose gradient is at the level of rounding noise (10⁻⁹) still moves by
     * about ±lr, so the order of the additions alone changes a few such weights by up to 10⁻³ of the tensor's
     * largest value (measured: 1.4e-3 for one LoRA A matrix, the gradients themselves agreeing to 10⁻⁶).
     */
    private void assertSameRun(FineTuneMethod method) throws Exception {
        FineTuneSettings one = Evo2FineTuneTest.settings(method).set(FineTuneParameters.MAX_STEPS, 3)
                .set(FineTuneParameters.LORA_DROPOUT, 0.0).set(FineTuneParameters.GRAD_ACCUMULATION, 2)
                .set(FineTuneParameters.EVAL_EVERY, 3).set(FineTuneParameters.EPSILON, 1e-4).build();
        FineTuneSettings two = one.toBuilder().set(FineTuneParameters.DEVICES, "cpu,cpu").build();
        List<StepMetrics> stepsOne = new ArrayList<>();
        List<StepMetrics> stepsTwo = new ArrayList<>();
        Map<String, float[]> weightsOne = train(one, method, stepsOne, "one");
        Map<String, float[]> weightsTwo = train(two, method, stepsTwo, "two");
        assertEquals(3, stepsTwo.size());
        for (int i = 0; i < 3; i++) {
            double a = stepsOne.get(i).trainLoss();
            double b = stepsTwo.get(i).trainLoss();
            assertEquals(a, b, 1e-5 * Math.abs(a), "loss of step " + (i + 1));
            assertEquals(stepsOne.get(i).tokens(), stepsTwo.get(i).tokens());
        }
        assertEquals(weightsOne.keySet(), weightsTwo.keySet());
        double worst = 0;
        for (String k : weightsOne.keySet()) {
            double d = relativeNorm(weightsTwo.get(k), weightsOne.get(k));
            worst = Math.max(worst, d);
            assertTrue(d < 1e-5, k + ": relative difference " + d);
        }
        System.out.printf("%s on cpu,cpu: loss %.6f / %.6f, largest relative weight difference %.2e%n", method,
                stepsOne.get(2).trainLoss(), stepsTwo.get(2).trainLoss(), worst);
    }

    private Map<String, float[]> train(FineTuneSettings s, FineTuneMethod method, List<StepMetrics> steps,
                                       String name) throws Exception {
        try (StripedHyena base = TinyModel.load()) {
            TrainableStripedHyena model = TrainableStripedHyena.prepare(base, s);
            FineTuneTask task = Evo2FineTuneTest.run(tmp.resolve(name), s, model, steps);
            assertEquals(TaskStatus.FINISHED, task.status(), task.message());
            Map<String, float[]> out = new LinkedHashMap<>();
            TrainableSelection.select(model, method).forEach((k, v) -> out.put(k, v.toFloatArray()));
            return out;
        }
    }

    @Test
    void loraOnTwoReplicasTrainsTheSameAdaptersAsOne() throws Exception {
        assertSameRun(FineTuneMethod.LORA);
    }

    @Test
    void fullFineTuningOnTwoReplicasTrainsTheSameWeightsAsOne() throws Exception {
        assertSameRun(FineTuneMethod.FULL);
    }

    @Test
    void aBatchSplitsIntoShardsWithTheirOwnWeightsAndTokens() {
        HostBatch b = batch(3, 30, 9);
        HostBatch first = b.slice(0, 2);
        HostBatch last = b.slice(2, 3);
        assertEquals(2, first.rows());
        assertEquals(b.weightSum(), first.weightSum() + last.weightSum(), 1e-9);
        assertEquals(b.tokens(), first.tokens() + last.tokens());
        assertEquals(30 + 23, first.tokens());
        assertArrayEquals(java.util.Arrays.copyOfRange(b.targets(), 2 * 29, 3 * 29), last.targets());
        assertThrows(IllegalArgumentException.class, () -> b.slice(2, 2));
        assertThrows(IllegalArgumentException.class, () -> b.slice(1, 4));
    }

    @Test
    void theDevicesSettingIsACountOrAListThatAgreesWithTheDevice() {
        assertEquals(List.of(), problems("1", "auto", 4));
        assertEquals(List.of(), problems("2", "gpu:0", 4));
        assertEquals(List.of(), problems("gpu:1, gpu:0", "auto", 4));
        assertEquals(List.of(), problems("cpu,cpu", "cpu", 2));
        assertEquals(List.of("devices"), problems("0", "auto", 4));
        assertEquals(List.of("devices"), problems("65", "auto", 4));
        assertEquals(List.of("devices"), problems("gpu:0,gpu:0", "auto", 4));
        assertEquals(List.of("devices"), problems("gpu:0;gpu:1", "auto", 4));
        assertEquals(List.of("devices"), problems("gpu:0,", "auto", 4));
        assertEquals(List.of("device", "devices"), problems("gpu:1,gpu:0", "gpu:0", 4));
        assertEquals(List.of("device", "devices"), problems("2", "cpu", 4));
        assertEquals(List.of("devices", "batch-size"), problems("cpu,cpu,cpu", "cpu", 2));
        String m = FineTuneSettings.builder(null).setText("devices", "gpu:1,gpu:0").setText("device", "gpu:0")
                .problems().get(0).message();
        assertTrue(m.contains("gpu:1") && m.contains("first"), m);
        assertEquals(List.of("gpu:0", "gpu:1", "gpu:2"), TrainingDevices.names("3"));
        assertEquals(List.of("gpu:0", "cpu"), TrainingDevices.names("gpu, cpu"));
        assertEquals(List.of(), TrainingDevices.names("1"));
        assertEquals(List.of(Device.cpu(), Device.cpu()), TrainingDevices.choose(FineTuneSettings.builder(null)
                .setText("devices", "cpu,cpu").build()).devices());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingDevices.choose(
                FineTuneSettings.builder(null).setText("devices", "cpu,gpu:7").setText("batch-size", "2").build()));
        assertTrue(e.getMessage().contains("gpu:7"), e.getMessage());
    }

    private static List<String> problems(String devices, String device, int batch) {
        return FineTuneSettings.builder(null).setText("devices", devices).setText("device", device)
                .setText("batch-size", String.valueOf(batch)).problems().stream()
                .flatMap(p -> p.settings().stream()).toList();
    }
}
