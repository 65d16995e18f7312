package org.evo2wb.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.evo2wb.engine.checkpoint.CheckpointFile;
import org.evo2wb.engine.checkpoint.Checkpoints;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.StorageType;
import org.evo2wb.engine.lora.Lora;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exports of the tiny golden model against tiny.pt, which has the released files' keys, dtypes and row order. */
class ModelExportTest {

    @TempDir
    Path tmp;

    @Test
    void releasedLayoutReproducesTheGoldenFileTensorForTensor() throws Exception {
        Map<String, HostTensor> golden = TinyGolden.tensors("tiny.pt");
        Path out = tmp.resolve("exported.pt");
        try (StripedHyena model = StripedHyena.load(TinyGolden.path("tiny.pt"), TinyGolden.config(), Device.cpu(),
                Precision.FP32)) {
            ModelExport.writePt(model, out, ModelExport.Dtypes.RELEASED);
        }
        try (CheckpointFile f = Checkpoints.open(out)) {
            assertEquals(golden.keySet(), f.infos().keySet());
            assertEquals(55, f.infos().size());
            for (Map.Entry<String, HostTensor> e : golden.entrySet()) {
                HostTensor got = f.tensor(e.getKey());
                assertEquals(e.getValue().type(), got.type(), e.getKey());
                assertArrayEquals(e.getValue().shape(), got.shape(), e.getKey());
                assertEquals(0, bytes(e.getValue()).compareTo(bytes(got)), e.getKey() + " differs from tiny.pt");
            }
            assertEquals(StorageType.F32, f.infos().get("blocks.2.filter.log_poles").type());
            assertEquals(StorageType.BF16, f.infos().get("blocks.3.inner_mha_cls.rotary_emb.inv_freq").type());
        }
    }

    @Test
    void fp32SafetensorsKeepMergedLoraWeightsExactlyAndReloadGivesTheSameLogits() throws Exception {
        Path out = tmp.resolve("merged.safetensors");
        float[] expected;
        try (StripedHyena model = StripedHyena.load(TinyGolden.path("tiny.pt"), TinyGolden.config(), Device.cpu(),
                Precision.FP32)) {
            var adapters = Lora.apply(model, List.of("mlp.l1", "Wqkv"), 4, 8, 0, 3);
            try (GradMode off = GradMode.disabled()) {
                adapters.values().forEach(a -> a.loraB().set(a.loraB().getManager()
                        .randomNormal(a.loraB().getShape()).mul(0.05).toFloatArray()));
            }
            assertThrows(IllegalStateException.class, () -> ModelExport.writeSafetensors(model, out,
                    ModelExport.Dtypes.FP32), "adapters must be merged first");
            Lora.mergeAndUnload(model);
            expected = logits(model);
            ModelExport.writeSafetensors(model, out, ModelExport.Dtypes.FP32);
        }
        try (StripedHyena reloaded = StripedHyena.load(out, TinyGolden.config(), Device.cpu(), Precision.FP32)) {
            assertArrayEquals(expected, logits(reloaded));
        }
    }

    private static ByteBuffer bytes(HostTensor t) {
        return t.data().duplicate();
    }

    static float[] logits(StripedHyena model) {
        try (NDManager m = NDManager.newBaseManager(); GradMode off = GradMode.disabled()) {
            byte[] s = "ATGAAACGCATTAGCACCACCATTACCACCACCATCACCATTACCACAGGTAACGGTGCG".getBytes();
            long[] ids = new long[s.length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = s[i];
            }
            return model.forward(m.create(ids, new Shape(1, ids.length))).toFloatArray();
        }
    }
}
