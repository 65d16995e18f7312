package org.evo2wb.engine.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.evo2wb.engine.checkpoint.Safetensors;
import org.evo2wb.engine.checkpoint.TensorInfo;
import org.evo2wb.engine.model.GradMode;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.train.Tensors;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LoRA on the tiny Evo 2 model: targets, initialisation, merge, PEFT files. */
class LoraTest {

    @TempDir
    Path tmp;

    private static float[] logits(StripedHyena model) {
        try (NDManager m = NDManager.newBaseManager(); GradMode off = GradMode.disabled()) {
            byte[] seq = "ACGTTGCAAGGCTTACGATCCGAACGTAGGCTAGCTAGGATCCGATCGAT".getBytes();
            long[] ids = new long[seq.length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = seq[i];
            }
            return model.forward(m.create(ids, new Shape(1, ids.length))).toFloatArray();
        }
    }

    @Test
    void defaultTargetsCoverEveryProjectionAttentionAndMlpLayer() throws Exception {
        try (StripedHyena model = TinyModel.load()) {
            Map<String, LoraLinear> a = Lora.apply(model, FineTuneParameters.DEFAULT_LORA_TARGETS, 4, 8, 0, 1);
            // 4 hyena blocks × (projections, out_filter_dense) + attention (Wqkv, out_proj) + 5 × (l1, l2, l3)
            assertEquals(25, a.size());
            assertTrue(a.containsKey("blocks.0.projections"));
            assertTrue(a.containsKey("blocks.2.out_filter_dense"));
            assertTrue(a.containsKey("blocks.3.inner_mha_cls.Wqkv"));
            assertTrue(a.containsKey("blocks.3.inner_mha_cls.out_proj"));
            assertTrue(a.containsKey("blocks.4.mlp.l3"));
            assertEquals(a.keySet(), Lora.adapters(model).keySet());
            assertTrue(model.parameters().containsKey("blocks.0.mlp.l1.lora_A.weight"));
        }
        try (StripedHyena model = TinyModel.load()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Lora.apply(model, List.of("Wqkv", "mlp.l9", "attn"), 4, 8, 0, 1));
            assertTrue(e.getMessage().startsWith("LoRA targets mlp.l9, attn match no linear layer"), e.getMessage());
            assertTrue(Lora.adapters(model).isEmpty(), "nothing applied when a pattern is wrong");
        }
        assertTrue(LoraTargets.matches("blocks.12.mlp.l1", "blocks.1*.mlp.l1"));
        assertFalse(LoraTargets.matches("blocks.2.mlp.l1", "blocks.1*.mlp.l1"));
        assertFalse(LoraTargets.matches("blocks.2.mlp.l1", "l"));
        assertTrue(LoraTargets.matches("blocks.2.mlp.l1", "l*"));
    }

    @Test
    void freshAdaptersStartAtZeroAndLeaveTheModelUnchanged() throws Exception {
        try (StripedHyena model = TinyModel.load()) {
            float[] before = logits(model);
            Map<String, LoraLinear> a = Lora.apply(model, FineTuneParameters.DEFAULT_LORA_TARGETS, 8, 16, 0.1, 3);
            a.values().forEach(l -> l.setTraining(false));
            assertArrayEquals(before, logits(model));
            LoraLinear l1 = a.get("blocks.0.mlp.l1");
            assertEquals(new Shape(8, 64), l1.loraA().getShape());
            assertEquals(new Shape(l1.outFeatures(), 8), l1.loraB().getShape());
            assertEquals(2.0, l1.scaling());
            assertEquals(0f, l1.loraB().abs().sum().getFloat());
            float[] av = l1.loraA().toFloatArray();
            double bound = 1 / Math.sqrt(64);      // PEFT: kaiming_uniform_(a=√5) = U(−1/√in, 1/√in)
            double sq = 0;
            for (float v : av) {
                assertTrue(Math.abs(v) <= bound, "A value " + v);
                sq += v * v;
            }
            assertEquals(bound / Math.sqrt(3), Math.sqrt(sq / av.length), 0.15 * bound / Math.sqrt(3));
            assertFalse(java.util.Arrays.equals(av, a.get("blocks.1.mlp.l1").loraA().toFloatArray()),
                    "each layer has its own initialisation");
        }
    }

    @Test
    void mergeAddsScaledBTimesAOnceAndKeepsTheOutput() throws Exception {
        try (StripedHyena model = TinyModel.load()) {
            Map<String, LoraLinear> a = Lora.apply(model, FineTuneParameters.DEFAULT_LORA_TARGETS, 4, 12, 0.2, 9);
            TinyModel.randomiseB(a);
            a.values().forEach(l -> l.setTraining(false));
            LoraLinear wqkv = a.get("blocks.3.inner_mha_cls.Wqkv");
            float[] w = wqkv.weight().toFloatArray();
            float[] av = wqkv.loraA().toFloatArray();
            float[] bv = wqkv.loraB().toFloatArray();
            int out = (int) wqkv.outFeatures();
            int in = (int) wqkv.inFeatures();
            float[] withAdapters = logits(model);

            a.values().forEach(LoraLinear::merge);
            float[] merged = wqkv.weight().toFloatArray();
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    double ba = 0;
                    for (int k = 0; k < 4; k++) {
                        ba += bv[o * 4 + k] * av[k * in + i];
                    }
                    assertEquals(w[o * in + i] + 3.0 * ba, merged[o * in + i], 1e-6, "W'[" + o + "," + i + "]");
                }
            }
            a.values().forEach(LoraLinear::merge);     // idempotent
            assertArrayEquals(merged, wqkv.weight().toFloatArray());
            assertClose(withAdapters, logits(model), 2e-4);

            Lora.mergeAndUnload(model);
            assertTrue(Lora.adapters(model).isEmpty());
            assertFalse(model.parameters().containsKey("blocks.0.mlp.l1.lora_A.weight"));
            assertArrayEquals(merged, model.parameters().get("blocks.3.inner_mha_cls.Wqkv.weight").toFloatArray());
            assertClose(withAdapters, logits(model), 2e-4);
        }
    }

    /** LoRA gradients through the loop's loss, with a garbage collection between forward and backward or not. */
    private static Map<String, float[]> adapterGradients(StripedHyena model, boolean collectGarbage) {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager(); ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
            long[] ids = new long[64];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = "ACGT".charAt((i * 7 + i / 5) % 4);
            }
            NDArray tokens = m.create(ids, new Shape(1, 64));
            NDArray targets = tokens.get(":, 1:");
            NDArray weights = org.evo2wb.engine.train.optim.NextTokenLoss.weightsOnDevice(m, onesOf(63), 1, 63);
            try (ai.djl.training.GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                NDArray loss = org.evo2wb.engine.train.optim.NextTokenLoss.loss(model.forward(tokens), targets, weights, 63);
                if (collectGarbage) {
                    for (int i = 0; i < 50; i++) {
                        java.nio.ByteBuffer.allocateDirect(1 << 16).putFloat(0, Float.NaN);
                    }
                    System.gc();
                }
                gc.backward(loss);
            }
            model.parameters().forEach((k, v) -> {
                if (k.contains("lora_")) {
                    out.put(k, v.getGradient().toFloatArray());
                    v.getGradient().subi(v.getGradient());
                }
            });
        }
        return out;
    }

    private static float[] onesOf(int n) {
        float[] f = new float[n];
        java.util.Arrays.fill(f, 1f);
        return f;
    }

    @Test
    void gradientsDoNotDependOnWhenTheGarbageCollectorRuns() throws Exception {
        try (StripedHyena model = TinyModel.load()) {
            Map<String, LoraLinear> a = Lora.apply(model, FineTuneParameters.DEFAULT_LORA_TARGETS, 4, 8, 0, 2);
            TinyModel.randomiseB(a);
            Map<String, float[]> plain = adapterGradients(model, false);
            Map<String, float[]> collected = adapterGradients(model, true);
            assertEquals(50, plain.size());
            for (String k : plain.keySet()) {
                assertArrayEquals(plain.get(k), collected.get(k), k);
            }
        }
    }

    @Test
    void adaptersSaveInPeftLayoutAndLoadBack() throws Exception {
        Path dir = tmp.resolve("adapter");
        float[] expected;
        try (StripedHyena model = TinyModel.load()) {
            Map<String, LoraLinear> a = Lora.apply(model, List.of("Wqkv", "mlp.l3"), 2, 4, 0.05, 1);
            TinyModel.randomiseB(a);
            a.values().forEach(l -> l.setTraining(false));
            expected = logits(model);
            Map<String, TensorInfo> layout = new java.util.LinkedHashMap<>();
            Map<String, NDArray> arrays = new java.util.LinkedHashMap<>();
            a.forEach((name, l) -> {
                arrays.put(name + ".lora_A.weight", l.loraA());
                arrays.put(name + ".lora_B.weight", l.loraB());
            });
            arrays.forEach((k, v) -> layout.put(k, Tensors.info(v)));
            PeftAdapter.write(dir, new PeftAdapter.Config("tiny", 2, 4, 0.05, List.copyOf(a.keySet())), layout,
                    k -> Tensors.toHost(arrays.get(k)));
        }
        JsonObject config = JsonParser.parseString(Files.readString(dir.resolve("adapter_config.json"))).getAsJsonObject();
        assertEquals("LORA", config.get("peft_type").getAsString());
        assertEquals(2, config.get("r").getAsInt());
        assertEquals("4", config.get("lora_alpha").toString());
        assertEquals(0.05, config.get("lora_dropout").getAsDouble());
        assertEquals("none", config.get("bias").getAsString());
        assertEquals("[\"blocks.0.mlp.l3\",\"blocks.1.mlp.l3\",\"blocks.2.mlp.l3\",\"blocks.3.inner_mha_cls.Wqkv\","
                + "\"blocks.3.mlp.l3\",\"blocks.4.mlp.l3\"]", config.get("target_modules").toString());
        Map<String, TensorInfo> keys = Safetensors.open(dir.resolve("adapter_model.safetensors")).infos();
        assertEquals(12, keys.size());
        assertTrue(keys.containsKey("base_model.model.blocks.3.inner_mha_cls.Wqkv.lora_A.weight"));
        assertArrayEquals(new long[] {192, 2}, keys.get("base_model.model.blocks.3.inner_mha_cls.Wqkv.lora_B.weight")
                .shape());

        try (StripedHyena fresh = TinyModel.load()) {
            Map<String, LoraLinear> loaded = Lora.load(fresh, dir);
            assertEquals(6, loaded.size());
            assertArrayEquals(expected, logits(fresh));
        }
    }

    private static void assertClose(float[] a, float[] b, double tol) {
        assertEquals(a.length, b.length);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], tol, "element " + i);
        }
    }
}
