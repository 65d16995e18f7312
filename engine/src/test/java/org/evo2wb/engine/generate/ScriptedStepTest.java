package org.evo2wb.engine.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.evo2wb.engine.lora.Lora;
import org.evo2wb.engine.lora.LoraLinear;
import org.evo2wb.engine.lora.TinyModel;
import org.evo2wb.engine.model.MasterWeights;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.StripedHyena;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The scripted decoding step ({@link StepScript}: one TorchScript call per block) against the DJL operator step and
 * the full forward, on the tiny golden model (hcs, hcm, hcl, attention, hcs; fp32 unless named) over a 1,000-base
 * gene sequence: logits at every position, greedy choices, rows of a batch, fp16-mixed, adapters.
 */
class ScriptedStepTest {

    static final int LENGTH = 1000;
    /** Scripted against operator step: the same operators in the same order. */
    static final double SAME_STEP = 1e-5;

    static StripedHyena model;
    static int[] ids;
    static float[][] full;

    @BeforeAll
    static void load() throws Exception {
        model = TinyModel.load();
        ids = TestDna.ids(TestDna.bases(LENGTH));
        full = IncrementalDecoderTest.fullLogits(model, ids);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /**
     * Feeds {@code tokens} after a prompt of {@code promptLength} to a scripted and an operator decoder side by side.
     *
     * @return the largest logit difference scripted vs operators, and scripted vs {@code reference}
     */
    static double[] compare(StripedHyena m, int[] tokens, float[][] reference, int promptLength, long capacity) {
        double steps = 0;
        double forward = 0;
        int[] prompt = Arrays.copyOf(tokens, promptLength);
        try (IncrementalDecoder s = IncrementalDecoder.prefill(m, prompt, 1, capacity, true);
             IncrementalDecoder o = IncrementalDecoder.prefill(m, prompt, 1, capacity, false)) {
            assertTrue(s.scripted());
            assertFalse(o.scripted());
            float[][] ls = s.promptLogits();
            float[][] lo = o.promptLogits();
            for (int t = promptLength - 1; t < tokens.length; t++) {
                steps = Math.max(steps, IncrementalDecoderTest.maxDiff(ls[0], lo[0]));
                forward = Math.max(forward, IncrementalDecoderTest.maxDiff(ls[0], reference[t]));
                if (t + 1 < tokens.length) {
                    ls = s.step(new int[] {tokens[t + 1]});
                    lo = o.step(new int[] {tokens[t + 1]});
                }
            }
            assertEquals(tokens.length, s.position());
        }
        System.out.printf("scripted step, prompt %d, %d positions: max |dlogit| vs operator step %.3g, vs full "
                + "forward %.3g%n", promptLength, tokens.length, steps, forward);
        return new double[] {steps, forward};
    }

    @Test
    void everyPositionFromOneTokenMatchesTheOperatorStepAndTheFullForward() {
        double[] d = compare(model, ids, full, 1, LENGTH + 1);
        assertTrue(d[0] <= SAME_STEP, "scripted vs operator step " + d[0]);
        assertTrue(d[1] <= IncrementalDecoderTest.TOLERANCE, "scripted vs full forward " + d[1]);
    }

    @Test
    void aLongPromptThenScriptedStepsMatchesTheFullForward() {
        double[] d = compare(model, ids, full, 300, LENGTH + 1);
        assertTrue(d[0] <= SAME_STEP, "scripted vs operator step " + d[0]);
        assertTrue(d[1] <= IncrementalDecoderTest.TOLERANCE, "scripted vs full forward " + d[1]);
    }

    @Test
    void theAttentionCacheAndItsRotaryTablesGrowUnderScriptedSteps() {
        // capacity 64 from a 10-token prompt: the cache and the cos/sin tables double several times over 400 positions
        double[] d = compare(model, Arrays.copyOf(ids, 400), full, 10, 64);
        assertTrue(d[0] <= SAME_STEP, "scripted vs operator step " + d[0]);
        assertTrue(d[1] <= IncrementalDecoderTest.TOLERANCE, "scripted vs full forward " + d[1]);
    }

    /** Greedy choice among A, C, G, T. */
    static int greedy(float[] logits) {
        int best = 'A';
        for (char c : "CGT".toCharArray()) {
            if (logits[c] > logits[best]) {
                best = c;
            }
        }
        return best;
    }

    static int[] greedyDecode(int[] prompt, int length, boolean script) {
        int[] out = Arrays.copyOf(prompt, prompt.length + length);
        try (IncrementalDecoder d = IncrementalDecoder.prefill(model, prompt, 1, out.length, script)) {
            float[] logits = d.promptLogits()[0];
            for (int t = prompt.length; t < out.length; t++) {
                out[t] = greedy(logits);
                if (t + 1 < out.length) {
                    logits = d.step(new int[] {out[t]})[0];
                }
            }
        }
        return out;
    }

    @Test
    void greedyDecodingPicksTheSameBasesAsTheOperatorStepAndTheFullForward() {
        int[] prompt = Arrays.copyOf(ids, 100);
        int[] scripted = greedyDecode(prompt, 300, true);
        assertArrayEquals(greedyDecode(prompt, 300, false), scripted);
        float[][] again = IncrementalDecoderTest.fullLogits(model, scripted);
        for (int t = prompt.length; t < scripted.length; t++) {
            assertEquals(greedy(again[t - 1]), scripted[t], "full forward's choice at position " + t);
        }
    }

    @Test
    void rowsOfABatchEqualEachRowDecodedAlone() {
        int promptLength = 200;
        int steps = 200;
        int rows = 3;
        int[] prompt = Arrays.copyOf(ids, promptLength);
        int[][] next = new int[rows][steps];               // each row continues with a different stretch of genes
        for (int r = 0; r < rows; r++) {
            next[r] = Arrays.copyOfRange(ids, promptLength + 200 * r, promptLength + 200 * r + steps);
        }
        float[][][] alone = new float[rows][steps][];
        for (int r = 0; r < rows; r++) {
            try (IncrementalDecoder d = IncrementalDecoder.prefill(model, prompt, 1, promptLength + steps, true)) {
                for (int t = 0; t < steps; t++) {
                    alone[r][t] = d.step(new int[] {next[r][t]})[0];
                }
            }
        }
        double worst = 0;
        double vsOps = 0;
        try (IncrementalDecoder s = IncrementalDecoder.prefill(model, prompt, rows, promptLength + steps, true);
             IncrementalDecoder o = IncrementalDecoder.prefill(model, prompt, rows, promptLength + steps, false)) {
            for (int t = 0; t < steps; t++) {
                int[] tokens = new int[rows];
                for (int r = 0; r < rows; r++) {
                    tokens[r] = next[r][t];
                }
                float[][] logits = s.step(tokens);
                float[][] ops = o.step(tokens);
                for (int r = 0; r < rows; r++) {
                    worst = Math.max(worst, IncrementalDecoderTest.maxDiff(logits[r], alone[r][t]));
                    vsOps = Math.max(vsOps, IncrementalDecoderTest.maxDiff(logits[r], ops[r]));
                }
            }
        }
        System.out.printf("scripted step, %d rows of different bases: max |dlogit| vs each row alone %.3g (matrix "
                + "against vector products), vs the operator step's rows %.3g%n", rows, worst, vsOps);
        assertTrue(worst <= IncrementalDecoderTest.TOLERANCE, "batched row vs the row alone " + worst);
        assertTrue(vsOps <= SAME_STEP, "batched scripted vs operator rows " + vsOps);
    }

    @Test
    void fp16MixedScriptedStepsMatchTheOperatorStep() throws Exception {
        for (MasterWeights masters : List.of(MasterWeights.NONE, MasterWeights.FP32)) {
            try (StripedHyena half = TinyModel.load(Precision.FP16, masters)) {
                int[] tokens = Arrays.copyOf(ids, 300);
                float[][] reference = IncrementalDecoderTest.fullLogits(half, tokens);
                double[] d = compare(half, tokens, reference, 100, 301);
                // the same fp16 products; the full forward also rounds its short convolution and filters to fp16
                assertTrue(d[0] <= SAME_STEP, masters + ": scripted vs operator step " + d[0]);
                assertTrue(d[1] <= 0.1, masters + ": scripted vs fp16 full forward " + d[1]);
            }
        }
    }

    @Test
    void aModelWithAnUnmergedAdapterStepsWithOperatorsAndAMergedOneWithTheScript() throws Exception {
        try (StripedHyena adapted = TinyModel.load()) {
            Map<String, LoraLinear> adapters = Lora.apply(adapted, List.of("mlp.l1", "Wqkv", "projections"), 4, 8, 0,
                    1);
            adapters.values().forEach(a -> a.setTraining(false));
            TinyModel.randomiseB(adapters);
            int[] tokens = Arrays.copyOf(ids, 200);
            float[][] reference = IncrementalDecoderTest.fullLogits(adapted, tokens);
            assertTrue(IncrementalDecoderTest.maxDiff(reference[150], full[150]) > 0.01, "the adapter must matter");
            try (IncrementalDecoder d = IncrementalDecoder.prefill(adapted, Arrays.copyOf(tokens, 100), 1, 201,
                    true)) {
                assertFalse(d.scripted(), "an unmerged adapter is not what the script computes");
            }
            adapters.values().forEach(LoraLinear::merge);
            double[] merged = compare(adapted, tokens, reference, 100, 201);
            assertTrue(merged[1] <= IncrementalDecoderTest.TOLERANCE, "merged, scripted vs full forward " + merged[1]);
        }
    }

    @Test
    void thePropertyChoosesTheStepAndTheScriptIsTheDefault() {
        String before = System.getProperty(StepScript.PROPERTY);
        int[] prompt = Arrays.copyOf(ids, 20);
        try {
            System.clearProperty(StepScript.PROPERTY);
            try (IncrementalDecoder d = IncrementalDecoder.prefill(model, prompt, 1, 32)) {
                assertTrue(d.scripted(), "the default");
            }
            System.setProperty(StepScript.PROPERTY, "ops");
            try (IncrementalDecoder d = IncrementalDecoder.prefill(model, prompt, 1, 32)) {
                assertFalse(d.scripted(), StepScript.PROPERTY + "=ops");
            }
            System.setProperty(StepScript.PROPERTY, " Script ");
            assertTrue(StepScript.chosen());
            System.setProperty(StepScript.PROPERTY, "fast");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, StepScript::chosen);
            assertTrue(e.getMessage().contains(StepScript.PROPERTY) && e.getMessage().contains("fast"), e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(StepScript.PROPERTY);
            } else {
                System.setProperty(StepScript.PROPERTY, before);
            }
        }
    }
}
