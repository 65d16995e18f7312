package org.evo2wb.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.evo2wb.engine.bench.GoldenParity;
import org.evo2wb.engine.bench.PrecisionSpread;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.lora.Lora;
import org.evo2wb.engine.lora.LoraLinear;
import org.evo2wb.engine.lora.TinyModel;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.junit.jupiter.api.Test;

/**
 * fp16-mixed on the CPU (PyTorch 2.7.1 multiplies fp16 matrices there): the golden model's per-base log-probabilities
 * and gradients against fp32 and float64, where the casts sit, the kept fp16 weight copies, and overflow.
 */
class Fp16MixedTest {

    private static Path golden() {
        return TinyGolden.path("tiny.pt").getParent();
    }

    private static StripedHyena tiny(Precision p) throws Exception {
        return tiny(p, MasterWeights.NONE);
    }

    private static StripedHyena tiny(Precision p, MasterWeights masters) throws Exception {
        return StripedHyena.fromTensors("tiny.pt", TinyGolden.tensors("tiny.pt"), TinyGolden.architecture(1.0),
                Device.cpu(), p, masters);
    }

    private static NDArray ids(NDManager m) throws Exception {
        HostTensor ids = TinyGolden.single("tiny_ids.pt");
        return m.create(ids.toLongArray(), new Shape(ids.shape()));
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    @Test
    void perBaseLogProbsAndGradientsStayCloseToFp32AndFloat64() throws Exception {
        PrecisionSpread s = GoldenParity.spread(golden(), Device.cpu(), Precision.FP16);
        System.out.println("golden, fp16-mixed on the CPU against fp32: " + s.format());
        assertEquals(2 * 299, s.bases());
        assertTrue(s.meanAbs() > 1e-4, "fp16 products must change the results: " + s.format());
        assertTrue(s.meanAbs() <= 0.025 && s.maxAbs() <= 0.12, s.format());     // measured 0.0120, 0.0596

        GoldenParity.Report r = GoldenParity.run(golden(), Device.cpu(), Precision.FP16);
        System.out.println("golden, fp16-mixed on the CPU against float64: " + r.format());
        assertTrue(r.maxLogProbError() <= 0.12, r.format());
        assertEquals(r.refLoss(), r.loss(), 2e-3, "loss");
        assertEquals(53, r.gradientErrors().size());
        assertTrue(r.maxGradientError() <= 0.02, r.format());                   // measured 0.0061
    }

    @Test
    void blocksComputeInsideInFp16AndHandFp32Between() throws Exception {
        Map<String, DataType> types = new LinkedHashMap<>();
        float[][] block0 = new float[2][];
        try (StripedHyena model = tiny(Precision.FP16); NDManager m = NDManager.newBaseManager(Device.cpu())) {
            model.infer(ids(m), (name, value) -> {
                types.put(name, value.getDataType());
                if (name.equals("blocks.0.pre_norm")) {
                    block0[0] = value.toFloatArray();
                } else if (name.equals("blocks.0.projections")) {
                    block0[1] = value.toType(DataType.FLOAT32, false).toFloatArray();
                }
            });
            assertEquals(41, types.size(), types.keySet().toString());
            Map<Integer, String> kinds = new LinkedHashMap<>();
            model.blocks().forEach(b -> kinds.put(b.index(), b.kind().specName()));
            types.forEach((name, type) -> assertEquals(expectedType(name, kinds), type, name));

            // the projection is exactly the fp16 product of the fp16-rounded input and weight
            NDArray n = m.create(block0[0], new Shape(2, 300, 64));
            NDArray w = model.linears().get("blocks.0.projections").weight();
            NDArray n16 = n.toType(DataType.FLOAT16, false);
            float[] half = n16.getNDArrayInternal().linear(n16, w.toType(DataType.FLOAT16, false), null)
                    .singletonOrThrow().toType(DataType.FLOAT32, false).toFloatArray();
            assertEquals(DataType.FLOAT16, w.getDataType(), "loaded without fp32 masters");
            NDArray w32 = w.toType(DataType.FLOAT32, false);
            float[] full = n.getNDArrayInternal().linear(n, w32, null).singletonOrThrow().toFloatArray();
            assertArrayEquals(half, block0[1]);
            assertTrue(maxAbsDiff(full, block0[1]) > 0, "not the fp32 product");
        }
    }

    @Test
    void keptFp16CopiesGiveTheSameLogitsAsCastingOnEveryCall() throws Exception {
        try (StripedHyena model = tiny(Precision.FP16, MasterWeights.FP32); NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray tok = ids(m);
            float[] first = model.infer(tok).toFloatArray();         // makes the copies
            float[] again = model.infer(tok).toFloatArray();         // uses them
            model.setTrainable(true);                                // trained layers cast their fp32 weights anew
            float[] cast = model.infer(tok).toFloatArray();
            model.setTrainable(false);
            assertArrayEquals(first, again);
            assertArrayEquals(first, cast);
        }
    }

    @Test
    void mergingAnAdapterRefreshesTheFp16Copies() throws Exception {
        try (StripedHyena model = tiny(Precision.FP16); NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray tok = ids(m);
            Map<String, LoraLinear> adapters = Lora.apply(model, FineTuneParameters.DEFAULT_LORA_TARGETS, 4, 8, 0, 1);
            float[] base = model.infer(tok).toFloatArray();           // B = 0: the base model; copies made
            adapters.values().forEach(a -> a.setTraining(false));
            TinyModel.randomiseB(adapters);
            float[] adapted = model.infer(tok).toFloatArray();
            Lora.mergeAndUnload(model);
            float[] merged = model.infer(tok).toFloatArray();
            double change = maxAbsDiff(base, adapted);
            double mergeError = maxAbsDiff(adapted, merged);
            System.out.printf("adapter changes logits by %.3g; merged vs adapter %.3g%n", change, mergeError);
            assertTrue(change > 0.5, "the adapter must matter: " + change);
            assertTrue(mergeError < change / 10, "merged weights must be used: " + mergeError + " vs " + change);
        }
    }

    @Test
    void anOverflowStopsTheForwardAndNamesTheBlock() throws Exception {
        float[] fp32Logits;
        try (StripedHyena model = tiny(Precision.FP32); NDManager m = NDManager.newBaseManager(Device.cpu())) {
            model.linears().get("blocks.2.mlp.l3").weight().muli(1e8f);
            fp32Logits = model.infer(ids(m)).toFloatArray();
        }
        for (float v : fp32Logits) {
            assertTrue(Float.isFinite(v), "fp32 holds the large values");
        }
        try (StripedHyena model = tiny(Precision.FP16); NDManager m = NDManager.newBaseManager(Device.cpu())) {
            model.linears().get("blocks.2.mlp.l3").weight().muli(1e8f);       // beyond fp16's 65,504
            NDArray tok = ids(m);
            Fp16OverflowException e = assertThrows(Fp16OverflowException.class, () -> model.infer(tok));
            assertEquals(2, e.block());
            assertTrue(e.getMessage().startsWith("fp16 overflow: the output of block 2 (hcl) is not finite"),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith("load it in fp32 (or TF32 on a GPU)."), e.getMessage());
        }
    }

    /**
     * fp16 inside a block: the Hyena projections and short convolution, the attention output, and the post-gated
     * output of the direct (hcs) filter; fp32 for the residual stream, norms, FFT filters (hcl; hcm at 300 bases is
     * direct but adds its fp32 skip term), the outputs of the output projections and MLPs, and the logits.
     */
    private static DataType expectedType(String name, Map<Integer, String> kinds) {
        if (!name.startsWith("blocks.")) {
            return DataType.FLOAT32;
        }
        String[] parts = name.split("\\.", 3);
        String stage = parts[2];
        String kind = kinds.get(Integer.parseInt(parts[1]));
        boolean half = switch (stage) {
            case "projections", "short_conv", "attn" -> true;
            case "filter" -> kind.equals("hcs");
            default -> false;
        };
        return half ? DataType.FLOAT16 : DataType.FLOAT32;
    }
}
