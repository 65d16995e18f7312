package org.evo2wb.engine.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.evo2wb.engine.lora.TinyModel;
import org.evo2wb.engine.model.StripedHyena;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Step-by-step decoding of the tiny golden model (hcs, hcm, hcl, attention, hcs; fp32) against its full forward
 * over a 1,000-base gene sequence: the logits of every position agree to 1e-4, with the scripted step and with the
 * DJL operator step.
 */
class IncrementalDecoderTest {

    static final int LENGTH = 1000;
    static final double TOLERANCE = 1e-4;

    static StripedHyena model;
    static int[] ids;
    static float[][] full;          // (L, V) logits of the full forward

    @BeforeAll
    static void load() throws Exception {
        model = TinyModel.load();
        ids = TestDna.ids(TestDna.bases(LENGTH));
        full = fullLogits(model, ids);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static float[][] fullLogits(StripedHyena m, int[] tokens) {
        try (NDManager nd = NDManager.newBaseManager(m.device())) {
            NDArray logits = m.infer(nd.create(tokens, new Shape(1, tokens.length)));
            int v = (int) logits.getShape().get(2);
            float[] flat = logits.toFloatArray();
            float[][] rows = new float[tokens.length][];
            for (int t = 0; t < tokens.length; t++) {
                rows[t] = Arrays.copyOfRange(flat, t * v, (t + 1) * v);
            }
            return rows;
        }
    }

    static double maxDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    /** Decodes from a prompt of {@code promptLength} tokens and returns the largest difference at any position. */
    static double worstDifference(StripedHyena m, int[] tokens, float[][] reference, int promptLength, int rows,
                                  boolean script) {
        double worst = 0;
        try (IncrementalDecoder d = IncrementalDecoder.prefill(m, Arrays.copyOf(tokens, promptLength), rows, 64,
                script)) {
            assertEquals(script, d.scripted());
            float[][] logits = d.promptLogits();
            for (int t = promptLength - 1; t < tokens.length; t++) {
                for (float[] row : logits) {
                    worst = Math.max(worst, maxDiff(row, reference[t]));
                }
                if (t + 1 < tokens.length) {
                    int[] next = new int[rows];
                    Arrays.fill(next, tokens[t + 1]);
                    logits = d.step(next);
                }
            }
            assertEquals(tokens.length, d.position());
        }
        System.out.printf("step-by-step (%s) vs full forward, prompt %d, %d rows, %d positions: max |dlogit| %.3g%n",
                script ? "scripted" : "operators", promptLength, rows, tokens.length, worst);
        return worst;
    }

    @ParameterizedTest(name = "scripted {0}")
    @ValueSource(booleans = {true, false})
    void everyPositionFromOneTokenMatchesTheFullForward(boolean script) {
        double worst = worstDifference(model, ids, full, 1, 1, script);
        assertTrue(worst <= TOLERANCE, "largest logit difference " + worst);
    }

    @ParameterizedTest(name = "scripted {0}")
    @ValueSource(booleans = {true, false})
    void aLongPromptThenStepsMatchesTheFullForward(boolean script) {
        // 300 > 128 hcm taps: the prompt's state comes from the forward's intermediates, not from steps
        double worst = worstDifference(model, ids, full, 300, 1, script);
        assertTrue(worst <= TOLERANCE, "largest logit difference " + worst);
    }

    @ParameterizedTest(name = "scripted {0}")
    @ValueSource(booleans = {true, false})
    void rowsContinuingTheSamePromptEachMatchTheFullForward(boolean script) {
        double worst = worstDifference(model, Arrays.copyOf(ids, 400), full, 200, 3, script);
        assertTrue(worst <= TOLERANCE, "largest logit difference " + worst);
    }

    @ParameterizedTest(name = "scripted {0}")
    @ValueSource(booleans = {true, false})
    void theAttentionCacheGrowsPastItsFirstCapacity(boolean script) {
        // capacity 64 from a 10-token prompt: the cache doubles several times over 400 positions
        double worst = worstDifference(model, Arrays.copyOf(ids, 400), full, 10, 1, script);
        assertTrue(worst <= TOLERANCE, "largest logit difference " + worst);
    }

    @Test
    void thePromptLogLikelihoodIsTheFullForwardsSum() {
        int n = 200;
        double expected = 0;
        for (int t = 0; t + 1 < n; t++) {
            float[] row = full[t];
            double max = Double.NEGATIVE_INFINITY;
            for (float f : row) {
                max = Math.max(max, f);
            }
            double z = 0;
            for (float f : row) {
                z += Math.exp(f - max);
            }
            expected += row[ids[t + 1]] - max - Math.log(z);
        }
        try (IncrementalDecoder d = IncrementalDecoder.prefill(model, Arrays.copyOf(ids, n), 1, n + 1)) {
            assertEquals(expected, d.promptLogLikelihood(), 1e-3);
        }
    }
}
