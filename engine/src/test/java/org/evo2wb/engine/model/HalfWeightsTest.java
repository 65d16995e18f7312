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
import java.util.List;
import java.util.Map;
import org.evo2wb.engine.checkpoint.CheckpointFile;
import org.evo2wb.engine.checkpoint.Checkpoints;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.StorageType;
import org.evo2wb.engine.lora.Lora;
import org.evo2wb.engine.lora.LoraLinear;
import org.evo2wb.engine.lora.TinyModel;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fp16-mixed models loaded without fp32 master weights: linear layers hold only fp16 weights, with the same logits
 * as fp16 copies of fp32 masters, and every path that reads weights (adapters, merge, export, copies) still works.
 */
class HalfWeightsTest {

    @TempDir
    Path tmp;

    private static StripedHyena tiny(Precision p, MasterWeights masters) throws Exception {
        return StripedHyena.fromTensors("tiny.pt", TinyGolden.tensors("tiny.pt"), TinyGolden.architecture(1.0),
                Device.cpu(), p, masters);
    }

    private static NDArray ids(NDManager m) throws Exception {
        HostTensor ids = TinyGolden.single("tiny_ids.pt");
        return m.create(ids.toLongArray(), new Shape(ids.shape()));
    }

    private static long bytes(StripedHyena model) {
        long[] n = {0};
        model.visitParameters((k, kind, v) -> n[0] += v.getShape().size() * v.getDataType().getNumOfBytes());
        return n[0];
    }

    @Test
    void linearWeightsAreFp16OnlyAndGiveTheLogitsOfFp16CopiesOfFp32Masters() throws Exception {
        try (StripedHyena half = tiny(Precision.FP16, MasterWeights.NONE);
             StripedHyena masters = tiny(Precision.FP16, MasterWeights.FP32);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            int[] counts = new int[2];
            half.visitParameters((k, kind, v) -> {
                boolean linear = kind == ParameterKind.LINEAR_WEIGHT || kind == ParameterKind.LINEAR_BIAS;
                assertEquals(linear ? DataType.FLOAT16 : DataType.FLOAT32, v.getDataType(), k);
                counts[linear ? 0 : 1]++;
            });
            assertEquals(List.of(30, 24), List.of(counts[0], counts[1]));
            masters.visitParameters((k, kind, v) -> assertEquals(DataType.FLOAT32, v.getDataType(), k));
            assertTrue(half.linearsHalfOnly());
            assertTrue(half.linears().values().stream().allMatch(Linear::isHalfOnly));
            System.out.printf("tiny model tensors: %d bytes with fp16-only linear weights, %d with fp32 masters%n",
                    bytes(half), bytes(masters));
            assertTrue(bytes(half) < 0.6 * bytes(masters), bytes(half) + " vs " + bytes(masters));

            NDArray tok = ids(m);
            assertArrayEquals(masters.infer(tok).toFloatArray(), half.infer(tok).toFloatArray(),
                    "rounded once at load = rounded on first use: bit for bit the same logits");
        }
    }

    @Test
    void fp32AndTf32IgnoreTheChoice() throws Exception {
        try (StripedHyena none = tiny(Precision.FP32, MasterWeights.NONE);
             StripedHyena masters = tiny(Precision.FP32, MasterWeights.FP32);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            none.visitParameters((k, kind, v) -> assertEquals(DataType.FLOAT32, v.getDataType(), k));
            NDArray tok = ids(m);
            assertArrayEquals(masters.infer(tok).toFloatArray(), none.infer(tok).toFloatArray());
            none.setTrainable(true);
            none.setTrainable(false);
        }
    }

    @Test
    void fp16OnlyWeightsCannotBeTrained() throws Exception {
        try (StripedHyena half = tiny(Precision.FP16, MasterWeights.NONE)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> half.setTrainable(true));
            assertTrue(e.getMessage().contains("without fp32 master weights"), e.getMessage());
            half.visitParameters((k, kind, v) -> assertTrue(!v.hasGradient(), k + " was left trainable"));
        }
    }

    @Test
    void mergingIntoAnFp16WeightAddsInFp32AndRoundsOnce() throws Exception {
        try (StripedHyena model = tiny(Precision.FP16, MasterWeights.NONE);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray tok = ids(m);
            Map<String, LoraLinear> adapters = Lora.apply(model, FineTuneParameters.DEFAULT_LORA_TARGETS, 4, 8, 0, 1);
            adapters.values().forEach(a -> a.setTraining(false));
            TinyModel.randomiseB(adapters);
            LoraLinear l1 = adapters.get("blocks.0.mlp.l1");
            float[] expected;
            try (GradMode off = GradMode.disabled()) {
                NDArray delta = l1.loraB().matMul(l1.loraA()).mul((float) l1.scaling());
                expected = l1.weight().toType(DataType.FLOAT32, false).add(delta).toType(DataType.FLOAT16, false)
                        .toType(DataType.FLOAT32, false).toFloatArray();
            }
            float[] adapted = model.infer(tok).toFloatArray();
            float[] base;
            try (StripedHyena plain = tiny(Precision.FP16, MasterWeights.NONE)) {
                base = plain.infer(tok).toFloatArray();
            }
            Lora.mergeAndUnload(model);
            NDArray merged = model.linears().get("blocks.0.mlp.l1").weight();
            assertEquals(DataType.FLOAT16, merged.getDataType());
            assertArrayEquals(expected, merged.toType(DataType.FLOAT32, false).toFloatArray());
            float[] after = model.infer(tok).toFloatArray();
            double worst = 0;
            double change = 0;
            for (int i = 0; i < after.length; i++) {
                worst = Math.max(worst, Math.abs(after[i] - adapted[i]));
                change = Math.max(change, Math.abs(base[i] - adapted[i]));
            }
            System.out.printf("fp16-only weights: the adapter changes logits by %.3g; merged vs adapter %.3g%n",
                    change, worst);
            assertTrue(change > 0.5 && worst < change / 50, "merged " + worst + " vs change " + change);
        }
    }

    @Test
    void exportsWidenTheFp16WeightsAndTheFileReloadsToTheSameModel() throws Exception {
        Path fp32 = tmp.resolve("half.safetensors");
        Path released = tmp.resolve("half.pt");
        float[] logits;
        Map<String, float[]> held = new java.util.LinkedHashMap<>();
        try (StripedHyena half = tiny(Precision.FP16, MasterWeights.NONE);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            ModelExport.writeSafetensors(half, fp32, ModelExport.Dtypes.FP32);
            ModelExport.writePt(half, released, ModelExport.Dtypes.RELEASED);
            half.parameters().forEach((k, v) -> held.put(k, v.toType(DataType.FLOAT32, false).toFloatArray()));
            logits = half.infer(ids(m)).toFloatArray();
            try (StripedHyena copy = half.copyTo(Device.cpu())) {
                copy.parameters().forEach((k, v) -> assertEquals(half.parameters().get(k).getDataType(),
                        v.getDataType(), k));
                assertArrayEquals(logits, copy.infer(ids(m)).toFloatArray());
            }
        }
        try (CheckpointFile f = Checkpoints.open(fp32)) {
            assertEquals(StorageType.F32, f.infos().get("blocks.0.mlp.l1.weight").type());
            held.forEach((k, v) -> {
                try {
                    assertArrayEquals(v, f.tensor(k).toFloatArray(), k + ": the fp16 values, widened");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
        try (CheckpointFile f = Checkpoints.open(released)) {
            assertEquals(StorageType.BF16, f.infos().get("blocks.0.mlp.l1.weight").type());
            assertEquals(55, f.infos().size());
        }
        try (StripedHyena again = StripedHyena.load(fp32, TinyGolden.config(), Device.cpu(), Precision.FP16);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            assertArrayEquals(logits, again.infer(ids(m)).toFloatArray());
        }
    }
}
