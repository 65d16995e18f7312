package org.evo2wb.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.evo2wb.engine.train.data.BatchStream;
import org.evo2wb.engine.train.data.HostBatch;
import org.evo2wb.engine.train.data.LossWeights;
import org.evo2wb.engine.train.data.TokenWindow;
import org.evo2wb.engine.train.data.WindowSource;
import org.evo2wb.engine.train.optim.LearningRateSchedule;
import org.evo2wb.engine.train.optim.NextTokenLoss;
import org.evo2wb.engine.train.optim.WeightDecayRule;
import org.junit.jupiter.api.Test;

/** Schedule, data order, loss weights and the loss itself, against hand computations. */
class LoopPartsTest {

    @Test
    void warmupThenCosineToTheFloor() {
        LearningRateSchedule s = new LearningRateSchedule(1e-3, 1e-4, 10, 110);
        assertEquals(1e-4, s.at(0), 1e-15);                 // 1/10 of the peak
        assertEquals(5e-4, s.at(4), 1e-15);
        assertEquals(1e-3, s.at(9), 1e-15);                 // peak at the last warm-up step
        // halfway through the decay: (s − W + 1) / (T − W) = 1/2 → floor + (peak − floor)/2
        assertEquals(5.5e-4, s.at(59), 1e-15);
        assertEquals(1e-4, s.at(109), 1e-15);               // floor at the last planned step
        assertEquals(1e-4, s.at(500), 1e-15);
        double previous = s.at(9);
        for (int i = 10; i < 110; i++) {
            assertTrue(s.at(i) < previous);
            previous = s.at(i);
        }
        assertEquals(1e-3, new LearningRateSchedule(1e-3, 0, 0, 1000).at(0), 1e-8);
    }

    @Test
    void eachEpochVisitsEveryWindowOnceInASeededOrder() {
        List<TokenWindow> list = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            list.add(new TokenWindow("r" + i, 0, false, new byte[] {'A'}, false));
        }
        BatchStream s = new BatchStream(WindowSource.of(list), 3, 42);
        assertEquals(4, s.batchesPerEpoch());
        for (int epoch = 0; epoch < 3; epoch++) {
            Set<String> seen = new HashSet<>();
            for (int b = 0; b < 4; b++) {
                List<TokenWindow> batch = s.batch(epoch * 4L + b);
                assertEquals(b == 3 ? 1 : 3, batch.size());
                batch.forEach(w -> seen.add(w.record()));
            }
            assertEquals(10, seen.size());
        }
        assertArrayEquals(BatchStream.epochOrder(10, 42, 1), BatchStream.epochOrder(10, 42, 1));
        assertFalse(Arrays.equals(BatchStream.epochOrder(10, 42, 0), BatchStream.epochOrder(10, 42, 1)));
        assertFalse(Arrays.equals(BatchStream.epochOrder(10, 42, 0), BatchStream.epochOrder(10, 43, 0)));
        assertEquals(s.batch(5), new BatchStream(WindowSource.of(list), 3, 42).batch(5), "same seed, same batch");
    }

    @Test
    void lossWeightsMaskNonAcgtWeighLowercaseAndPad() {
        LossWeights evo2 = new LossWeights(0.1, true, true);
        HostBatch b = HostBatch.of(List.of(new TokenWindow("r", 0, false, "ACgtNRa".getBytes(), false)), 9, evo2);
        assertArrayEquals(new int[] {'A', 'C', 'G', 'T', 'N', 'R', 'A', 1, 1}, b.inputs());
        assertArrayEquals(new int[] {'C', 'G', 'T', 'N', 'R', 'A', 1, 1}, b.targets());
        assertArrayEquals(new float[] {1f, 0.1f, 0.1f, 0f, 0f, 0.1f, 0f, 0f}, b.weights());
        assertEquals(1.3, b.weightSum(), 1e-6);
        assertEquals(7, b.tokens());

        LossWeights plain = new LossWeights(1.0, false, false);
        HostBatch c = HostBatch.of(List.of(new TokenWindow("r", 0, false, "ACgtN".getBytes(), false)), 5, plain);
        assertArrayEquals(new int[] {'A', 'C', 'g', 't', 'N'}, c.inputs());
        assertArrayEquals(new float[] {1f, 1f, 1f, 1f}, c.weights());
    }

    @Test
    void weightedCrossEntropyMatchesAHandComputation() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] logits = {
                    0.5f, -1f, 2f, 0f,   1f, 1f, 1f, 1f,   3f, 0f, 0f, -2f,     // row 0, positions 0..2
                    0f, 0f, 0f, 0f,      -1f, 2f, 0.5f, 0f, 0f, 1f, 0f, 0f};  // row 1
            int[] targets = {2, 0, 3, 1};
            float[] weights = {1f, 0.1f, 0f, 1f};
            NDArray l = m.create(logits, new Shape(2, 3, 4));
            NDArray t = m.create(targets, new Shape(2, 1)).toType(DataType.INT64, false);
            // window length 2: logits at position 0 only score targets; reshape to (B=2, L=2, V=4) by dropping one row
            NDArray l2 = l.get(new ai.djl.ndarray.index.NDIndex(":, 0:2, :"));
            NDArray w = m.create(new float[] {weights[0], weights[3]}, new Shape(2, 1));
            NDArray targets2 = m.create(new int[] {targets[0], targets[3]}, new Shape(2, 1)).toType(DataType.INT64, false);
            double loss = NextTokenLoss.loss(l2, targets2, w, 2.0).getFloat();
            double expected = (nll(logits, 0, 2) * 1 + nll(logits, 12, 1) * 1) / 2.0;
            assertEquals(expected, loss, 1e-6);

            // length 4 (three predictions per row), weights with a lowercase 0.1 and a masked 0
            NDArray l4 = m.create(Arrays.copyOf(logits, 32), new Shape(2, 4, 4)).add(0f);
            float[] full = Arrays.copyOf(logits, 32);
            NDArray t3 = m.create(new int[] {2, 0, 3, 1, 1, 2}, new Shape(2, 3)).toType(DataType.INT64, false);
            NDArray w3 = m.create(new float[] {1f, 0.1f, 0f, 1f, 1f, 0.1f}, new Shape(2, 3));
            double got = NextTokenLoss.loss(l4, t3, w3, 3.2).getFloat();
            double want = (nll(full, 0, 2) + 0.1 * nll(full, 4, 0) + nll(full, 16, 1) + nll(full, 20, 1)
                    + 0.1 * nll(full, 24, 2)) / 3.2;
            assertEquals(want, got, 1e-6);
            assertNotEquals(0, t.getShape().size());
        }
    }

    /** −log softmax(logits[offset … offset+3])[target]. */
    private static double nll(float[] logits, int offset, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < 4; i++) {
            max = Math.max(max, logits[offset + i]);
        }
        double sum = 0;
        for (int i = 0; i < 4; i++) {
            sum += Math.exp(logits[offset + i] - max);
        }
        return -(logits[offset + target] - max - Math.log(sum));
    }

    @Test
    void weightDecaySparesFiltersNormsBiasesAndVectors() {
        assertTrue(WeightDecayRule.decays("blocks.0.projections.weight", 2));
        assertTrue(WeightDecayRule.decays("blocks.3.inner_mha_cls.Wqkv.weight", 2));
        assertTrue(WeightDecayRule.decays("blocks.0.mlp.l1.lora_A.weight", 2));
        assertFalse(WeightDecayRule.decays("blocks.1.filter.h", 2));
        assertFalse(WeightDecayRule.decays("blocks.2.filter.log_poles", 3));
        assertFalse(WeightDecayRule.decays("blocks.2.filter.residues", 2));
        assertFalse(WeightDecayRule.decays("blocks.0.filter.short_filter_weight", 3));
        assertFalse(WeightDecayRule.decays("blocks.0.filter.D", 1));
        assertFalse(WeightDecayRule.decays("blocks.0.pre_norm.scale", 1));
        assertFalse(WeightDecayRule.decays("blocks.0.out_filter_dense.bias", 1));
        assertFalse(WeightDecayRule.decays("anything", 1));
        assertTrue(TrainableSelection.isFilterOrNorm("blocks.2.filter.log_poles"));
        assertTrue(TrainableSelection.isFilterOrNorm("norm.scale"));
        assertFalse(TrainableSelection.isFilterOrNorm("blocks.0.mlp.l1.weight"));
    }
}
