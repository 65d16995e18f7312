package org.evo2wb.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.evo2wb.engine.checkpoint.CheckpointMismatchException;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.StorageType;
import org.junit.jupiter.api.Test;

/** Loading, key/shape expectations, the linear-layer seam and export. */
class ModelStructureTest {

    @Test
    void theKeyTableIsTheGoldenCheckpointsKeysAndTheParameterCountItsElements() throws Exception {
        Evo2Config c = TinyGolden.config();
        Map<String, HostTensor> file = TinyGolden.tensors("tiny.pt");
        Map<String, long[]> table = c.checkpointShapes(true);
        assertEquals(List.copyOf(file.keySet()), List.copyOf(table.keySet()), "keys in the file's order");
        file.forEach((k, t) -> assertArrayEquals(t.shape(), table.get(k), k));
        assertEquals(55, table.size());
        assertFalse(c.checkpointShapes(false).containsKey("unembed.weight"));

        // every element stored in tiny.pt, less the duplicate unembedding and the RoPE inv_freq buffers
        long elements = 0;
        for (Map.Entry<String, HostTensor> e : file.entrySet()) {
            if (!e.getKey().equals("unembed.weight") && !e.getKey().endsWith("rotary_emb.inv_freq")) {
                elements += java.util.Arrays.stream(e.getValue().shape()).reduce(1, (x, y) -> x * y);
            }
        }
        assertEquals(elements, c.parameterCount());
        assertEquals("SDH*SDHSDH*SDHSDH*SDHSDH*SDHSDH*",
                ModelArchitecture.of(Evo2Config.preset("evo2-7b-8k")).pattern());
    }

    @Test
    void loadsFromAPathAndMatchesLoadingFromTensors() throws Exception {
        try (StripedHyena a = StripedHyena.load(TinyGolden.path("tiny.pt"), TinyGolden.config(), Device.cpu(),
                Precision.FP32);
             StripedHyena b = StripedHyena.fromTensors("tiny.pt", TinyGolden.tensors("tiny.pt"),
                     TinyGolden.architecture(1.0), Device.cpu(), Precision.FP32);
             GradMode g = GradMode.disabled();
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            assertEquals(54, a.parameters().size());        // the 55 file entries minus the duplicate unembed.weight
            assertEquals(a.parameterCount(), TinyGolden.config().parameterCount());
            NDArray ids = m.create(new long[] {65, 67, 71, 84, 65, 65}, new Shape(1, 6));
            assertArrayEquals(b.forward(ids).toFloatArray(), a.forward(ids).toFloatArray());
        }
    }

    @Test
    void forwardsAndScoringLeaveNoArraysBehind() throws Exception {
        try (StripedHyena model = StripedHyena.load(TinyGolden.path("tiny.pt"), TinyGolden.config(), Device.cpu(),
                Precision.FP32);
             GradMode g = GradMode.disabled();
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            int modelArrays = model.manager().getManagedArrays().size();
            NDArray ids = m.create(new long[] {65, 67, 71, 84, 65, 65, 67, 71}, new Shape(2, 4));
            int callerArrays = m.getManagedArrays().size();
            for (int i = 0; i < 3; i++) {
                model.forward(ids).close();
                TraceComparator.capture(model, ids);
                new org.evo2wb.engine.score.Scorer(model, org.evo2wb.engine.score.ScoringOptions.defaults()
                        .withChunks(5, 2).withReverseComplement(true))
                        .score(List.of(new org.evo2wb.engine.score.Scorer.Input("x", "ACGTACGTAC")));
            }
            // the one hcl block keeps its last filter spectrum and a copy of its two parameters, whatever the lengths
            assertEquals(modelArrays + 3, model.manager().getManagedArrays().size(), "model manager grew");
            assertEquals(callerArrays, m.getManagedArrays().size(), "caller manager grew");
            NDArray logits = model.infer(ids);
            assertEquals(callerArrays + 1, m.getManagedArrays().size(), "logits belong to the caller");
            assertEquals(modelArrays + 3, model.manager().getManagedArrays().size());
            logits.close();
            model.releaseCaches();
            assertEquals(modelArrays, model.manager().getManagedArrays().size(), "kept spectrum released");
        }
    }

    @Test
    void aBlockHasFreedItsMixersTemporariesBeforeItsMlp() throws Exception {
        // arrays alive in the caller's manager when the post-norm is recorded (the mixer done) against when the
        // pre-norm was: the block's input, the pre-norm freed, the residual, the post-norm, a few small tables; the
        // attention mixer's projections, rotations and casts used to stay until the block ended (34 more in fp32)
        for (Precision p : new Precision[] {Precision.FP32, Precision.FP16}) {
            try (StripedHyena model = StripedHyena.fromTensors("tiny.pt", TinyGolden.tensors("tiny.pt"),
                    TinyGolden.architecture(1.0), Device.cpu(), p);
                 NDManager m = NDManager.newBaseManager(Device.cpu())) {
                NDArray tok = m.create(new long[] {65, 67, 71, 84, 65, 65, 67, 84}, new Shape(1, 8));
                Map<String, Integer> live = new LinkedHashMap<>();
                model.infer(tok, (name, value) -> live.put(name, m.getManagedArrays().size())).close();
                for (int i = 0; i < 5; i++) {
                    int more = live.get("blocks." + i + ".post_norm") - live.get("blocks." + i + ".pre_norm");
                    assertTrue(more <= 8, p + ", block " + i + ": " + more + " more arrays alive after its mixer");
                }
            }
        }
    }

    @Test
    void inferenceBuildsNoGraphEvenOnAFreshThread() throws Exception {
        try (StripedHyena model = StripedHyena.load(TinyGolden.path("tiny.pt"), TinyGolden.config(), Device.cpu(),
                Precision.FP32);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            model.setTrainable(true);
            NDArray ids = m.create(new long[] {65, 67, 71, 84}, new Shape(1, 4));
            boolean[] seen = new boolean[4];
            java.util.Set<Boolean> modeDuringInfer = new java.util.HashSet<>();
            Thread t = new Thread(() -> {
                seen[0] = GradMode.isEnabled();                       // a new thread records gradients
                seen[1] = !JniUtils.getGradientFunctionNames((PtNDArray) model.forward(ids)).isEmpty();
                model.infer(ids, (name, value) -> modeDuringInfer.add(GradMode.isEnabled()));
                seen[2] = GradMode.isEnabled();
            });
            t.start();
            t.join();
            assertTrue(seen[0], "grad mode starts on in a new thread");
            assertTrue(seen[1], "training forward builds a graph");
            assertEquals(java.util.Set.of(false), modeDuringInfer, "infer runs with grad mode off");
            assertTrue(seen[2], "and restores the thread's mode afterwards");
        }
    }

    @Test
    void misshapedOrMissingTensorsAreNamed() throws Exception {
        Map<String, HostTensor> t = new LinkedHashMap<>(TinyGolden.tensors("tiny.pt"));
        t.put("blocks.1.filter.h", new HostTensor(StorageType.F32, new long[] {16, 1, 64},
                ByteBuffer.allocate(16 * 64 * 4).order(ByteOrder.LITTLE_ENDIAN)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StripedHyena.fromTensors(
                "bad.pt", t, TinyGolden.architecture(1.0), Device.cpu(), Precision.FP32));
        assertTrue(e.getMessage().contains("bad.pt") && e.getMessage().contains("blocks.1.filter.h")
                && e.getMessage().contains("[16, 1, 64]"), e.getMessage());
        t.remove("blocks.3.inner_mha_cls.out_proj.bias");
        t.put("blocks.1.filter.h", TinyGolden.tensors("tiny.pt").get("blocks.1.filter.h"));
        e = assertThrows(IllegalArgumentException.class, () -> StripedHyena.fromTensors(
                "bad.pt", t, TinyGolden.architecture(1.0), Device.cpu(), Precision.FP32));
        assertTrue(e.getMessage().contains("missing tensor 'blocks.3.inner_mha_cls.out_proj.bias'"), e.getMessage());
    }

    @Test
    void aCheckpointForAnotherConfigIsRejectedBeforeLoading() throws Exception {
        String yaml = Files.readString(TinyGolden.path("tiny.yml")).replace("hcm_filter_groups: 16",
                "hcm_filter_groups: 8");
        Evo2Config other = Evo2Config.parse(yaml, "other.yml");
        CheckpointMismatchException e = assertThrows(CheckpointMismatchException.class,
                () -> StripedHyena.load(TinyGolden.path("tiny.pt"), other, Device.cpu(), Precision.FP32));
        assertTrue(e.getMessage().contains("blocks.1.filter.h"), e.getMessage());
    }

    @Test
    void unsupportedConfigSwitchesAreRejectedByName() throws Exception {
        String yaml = Files.readString(TinyGolden.path("tiny.yml")).replace("tie_embeddings: true",
                "tie_embeddings: false").replace("interleave: true", "interleave: false");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelArchitecture.of(Evo2Config.parse(yaml, "x.yml"), "x.yml"));
        assertTrue(e.getMessage().contains("tie_embeddings") && e.getMessage().contains("interleave")
                && e.getMessage().startsWith("x.yml"), e.getMessage());
        IllegalArgumentException tf32 = assertThrows(IllegalArgumentException.class,
                () -> StripedHyena.random(TinyGolden.config(), 1, Device.cpu(), Precision.TF32));
        assertEquals("precision tf32 on cpu(): TF32 is a GPU mode (NVIDIA Ampere and newer); on the CPU fp32 is "
                + "used.", tf32.getMessage());
    }

    /** A stand-in adapter: adds {@code x·Δᵀ} to the wrapped layer's output. */
    static final class DeltaLinear extends Linear {
        private final Linear base;
        private final NDArray delta;

        DeltaLinear(Linear base, NDArray delta) {
            super(base);
            this.base = base;
            this.delta = delta;
        }

        @Override
        public NDArray forward(NDArray x) {
            return base.forward(x).add(Linear.affine(x, delta, null, base.precision()));
        }
    }

    @Test
    void linearLayersCanBeWrappedByName() throws Exception {
        try (StripedHyena model = StripedHyena.load(TinyGolden.path("tiny.pt"), TinyGolden.config(), Device.cpu(),
                Precision.FP32);
             GradMode g = GradMode.disabled();
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Map<String, Linear> linears = model.linears();
            assertEquals(4 * 2 + 2 + 5 * 3, linears.size());
            assertTrue(linears.containsKey("blocks.3.inner_mha_cls.Wqkv"));
            assertTrue(linears.containsKey("blocks.2.out_filter_dense"));
            assertTrue(linears.containsKey("blocks.0.mlp.l1"));
            NDArray ids = m.create(new long[] {65, 67, 71, 84, 65, 65, 67, 71}, new Shape(1, 8));
            float[] before = model.forward(ids).toFloatArray();
            model.replaceLinears((name, l) -> name.endsWith("Wqkv")
                    ? new DeltaLinear(l, model.manager().zeros(l.weight().getShape())) : l);
            assertTrue(model.linears().get("blocks.3.inner_mha_cls.Wqkv") instanceof DeltaLinear);
            assertArrayEquals(before, model.forward(ids).toFloatArray(), "a zero delta changes nothing");
            model.replaceLinears((name, l) -> l instanceof DeltaLinear d
                    ? new DeltaLinear(d.base, model.manager().ones(l.weight().getShape()).mul(0.01f)) : l);
            float[] after = model.forward(ids).toFloatArray();
            assertTrue(Math.abs(after[after.length - 1] - before[before.length - 1]) > 1e-4);
            float[] first = new float[512];
            System.arraycopy(before, 0, first, 0, 512);
            float[] firstAfter = new float[512];
            System.arraycopy(after, 0, firstAfter, 0, 512);
            assertTrue(!java.util.Arrays.equals(first, firstAfter), "attention values change at position 0 too");
        }
    }

    @Test
    void exportedTensorsRebuildTheSameModel() throws Exception {
        try (StripedHyena model = StripedHyena.load(TinyGolden.path("tiny.pt"), TinyGolden.config(), Device.cpu(),
                Precision.FP32);
             GradMode g = GradMode.disabled();
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Map<String, HostTensor> out = model.exportTensors(true);
            Map<String, HostTensor> file = TinyGolden.tensors("tiny.pt");
            assertEquals(file.keySet(), out.keySet());
            for (String k : file.keySet()) {
                assertArrayEquals(file.get(k).toFloatArray(), out.get(k).toFloatArray(), k);
            }
            try (StripedHyena again = StripedHyena.fromTensors("export", out, model.architecture(), Device.cpu(),
                    Precision.FP32)) {
                NDArray ids = m.create(new long[] {65, 67, 71, 84}, new Shape(1, 4));
                assertArrayEquals(model.forward(ids).toFloatArray(), again.forward(ids).toFloatArray());
            }
        }
    }
}
