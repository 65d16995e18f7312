package org.evo2wb.engine.load.bionemo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.evo2wb.engine.checkpoint.CheckpointFormatException;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.TensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Megatron Bridge → Evo 2 mapping on hand-made tensors (values checked by hand), the LoRA combination, and the
 * refusals of malformed folders and indexes; none of it needs PyTorch-made files.
 */
class VortexMappingTest {

    /** Tensors in memory under Megatron Bridge names. */
    private static final class InMemory implements NamedTensors {
        final Map<String, HostTensor> tensors = new LinkedHashMap<>();

        void put(String key, long[] shape, float... values) {
            tensors.put(key, VortexMapping.f32(shape, values));
        }

        @Override
        public String name() {
            return "memory";
        }

        @Override
        public Map<String, TensorInfo> infos() {
            Map<String, TensorInfo> out = new LinkedHashMap<>();
            tensors.forEach((k, v) -> out.put(k, new TensorInfo(v.type(), v.shape())));
            return out;
        }

        @Override
        public HostTensor tensor(String key) {
            return tensors.get(key);
        }

        @Override
        public void close() {
        }
    }

    /** One medium-Hyena layer and one attention layer of width 2, MLP width 1, filter length 3, state size 1. */
    private static InMemory twoLayers() {
        InMemory m = new InMemory();
        m.put("embedding.word_embeddings.weight", new long[] {3, 2}, 1, 2, 3, 4, 5, 6);
        m.put("decoder.final_norm.weight", new long[] {2}, 7, 8);
        String d = "decoder.layers.0.";
        m.put(d + "mixer.dense_projection.layer_norm_weight", new long[] {2}, 1, 1);
        m.put(d + "mixer.dense_projection.weight", new long[] {6, 2}, new float[12]);
        m.put(d + "mixer.hyena_proj_conv.short_conv_weight", new long[] {6, 3}, new float[18]);
        m.put(d + "mixer.dense.weight", new long[] {2, 2}, 1, 0, 0, 1);
        m.put(d + "mixer.dense.bias", new long[] {2}, 0, 0);
        m.put(d + "mixer.mixer.conv_bias", new long[] {2}, 9, 10);
        m.put(d + "mixer.mixer.filter.h", new long[] {1, 4}, 2, 4, 8, 16);          // one group, 4 stored taps
        m.put(d + "mixer.mixer.filter.decay", new long[] {1, 4}, 0.5f, 0.25f, 0.125f, 1);
        m.put(d + "mlp.linear_fc1.layer_norm_weight", new long[] {2}, 1, 1);
        m.put(d + "mlp.linear_fc1.weight", new long[] {2, 2}, 1, 2, 3, 4);         // [l1; l2], each 1 x 2
        m.put(d + "mlp.linear_fc2.weight", new long[] {2, 1}, 5, 6);
        String a = "decoder.layers.1.";
        m.put(a + "self_attention.linear_qkv.layer_norm_weight", new long[] {2}, 1, 1);
        m.put(a + "self_attention.linear_qkv.weight", new long[] {6, 2}, new float[12]);
        m.put(a + "self_attention.linear_proj.weight", new long[] {2, 2}, 1, 2, 3, 4);
        m.put(a + "self_attention.linear_proj.bias", new long[] {2}, 0, 0);
        m.put(a + "mlp.linear_fc1.layer_norm_weight", new long[] {2}, 1, 1);
        m.put(a + "mlp.linear_fc1.weight", new long[] {2, 2}, 1, 2, 3, 4);
        m.put(a + "mlp.linear_fc2.weight", new long[] {2, 1}, 5, 6);
        return m;
    }

    @Test
    void mediumFilterSplitMlpAndRopeAreMappedAsTheRecipeDoes() throws IOException {
        Map<String, VortexMapping.Mapped> m = VortexMapping.map(twoLayers(), "D*", 2, 10000, 3);
        // h[:, :3] * decay[:, :3] as [G, 1, 3]
        assertArrayEquals(new long[] {1, 1, 3}, m.get("blocks.0.filter.h").info().shape());
        assertArrayEquals(new float[] {1, 1, 1}, m.get("blocks.0.filter.h").producer().get().toFloatArray());
        assertArrayEquals(new float[] {9, 10}, m.get("blocks.0.filter.D").producer().get().toFloatArray());
        assertArrayEquals(new long[] {6, 1, 3}, m.get("blocks.0.filter.short_filter_weight").info().shape());
        assertArrayEquals(new float[] {1, 2}, m.get("blocks.0.mlp.l1.weight").producer().get().toFloatArray());
        assertArrayEquals(new float[] {3, 4}, m.get("blocks.0.mlp.l2.weight").producer().get().toFloatArray());
        assertArrayEquals(new float[] {5, 6}, m.get("blocks.0.mlp.l3.weight").producer().get().toFloatArray());
        assertArrayEquals(new float[] {1, 2, 3, 4}, m.get("blocks.1.inner_mha_cls.out_proj.weight").producer().get()
                .toFloatArray());
        // head size 2: inv_freq = [1 / 10000^0] = [1]
        assertArrayEquals(new float[] {1}, m.get("blocks.1.inner_mha_cls.rotary_emb.inv_freq").producer().get()
                .toFloatArray());
        assertArrayEquals(m.get("embedding_layer.weight").producer().get().toFloatArray(),
                m.get("unembed.weight").producer().get().toFloatArray());
        assertArrayEquals(new float[] {7, 8}, m.get("norm.scale").producer().get().toFloatArray());
        // head size 128, base 10000: inv_freq[j] = 10000^(-2j/128)
        float[] inv = VortexMapping.invFreq(128, 10000);
        for (int j = 0; j < 64; j++) {
            assertEquals(Math.pow(10000, -2.0 * j / 128), inv[j], 1e-7 * Math.pow(10000, -2.0 * j / 128));
        }
    }

    @Test
    void longFilterPolesAreMinusExpPTimesExpGamma() throws IOException {
        InMemory t = twoLayers();
        t.tensors.keySet().removeIf(k -> k.startsWith("decoder.layers.0.mixer.mixer."));
        t.put("decoder.layers.0.mixer.mixer.conv_bias", new long[] {2}, 0, 0);
        t.put("decoder.layers.0.mixer.mixer.filter.p", new long[] {2, 1}, 0, (float) Math.log(2));
        t.put("decoder.layers.0.mixer.mixer.filter.gamma", new long[] {2, 1}, (float) Math.log(3), 0);
        t.put("decoder.layers.0.mixer.mixer.filter.R", new long[] {2, 1}, 0.5f, -0.5f);
        Map<String, VortexMapping.Mapped> m = VortexMapping.map(t, "H*", 2, 10000, 128);
        assertArrayEquals(new long[] {2, 1, 1}, m.get("blocks.0.filter.log_poles").info().shape());
        assertArrayEquals(new float[] {-3, -2}, m.get("blocks.0.filter.log_poles").producer().get().toFloatArray(),
                1e-6f);
        assertArrayEquals(new float[] {0.5f, -0.5f}, m.get("blocks.0.filter.residues").producer().get().toFloatArray());
    }

    @Test
    void loraAddsAlphaOverRankTimesBTimesA() throws IOException {
        InMemory base = twoLayers();
        InMemory adapters = new InMemory();
        String fc2 = "decoder.layers.0.mlp.linear_fc2";
        adapters.put(fc2 + ".adapter.linear_in.weight", new long[] {1, 1}, 2);        // A (rank 1, in 1)
        adapters.put(fc2 + ".adapter.linear_out.weight", new long[] {2, 1}, 1, -1);   // B (out 2, rank 1)
        adapters.put("optimizer.state.exp_avg." + fc2 + ".adapter.linear_in.weight", new long[] {1, 1}, 0);
        LoraMerged merged = new LoraMerged(base, adapters, 1, 4);                     // alpha / rank = 4
        assertEquals(1, merged.adaptedCount());
        // [5, 6] + 4 * [1·2, −1·2] = [13, −2]
        assertArrayEquals(new float[] {13, -2}, merged.tensor(fc2 + ".weight").toFloatArray());
        assertArrayEquals(new float[] {1, 2, 3, 4}, merged.tensor("decoder.layers.0.mlp.linear_fc1.weight")
                .toFloatArray());
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> new LoraMerged(base, adapters, 2, 4));
        assertTrue(e.getMessage().contains("rank 2"), e.getMessage());
    }

    @Test
    void aMissingTensorIsNamedWithItsLayer() {
        InMemory t = twoLayers();
        t.tensors.remove("decoder.layers.0.mixer.mixer.filter.decay");
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> VortexMapping.map(t, "D*", 2, 10000, 128));
        assertTrue(e.getMessage().contains("decoder.layers.0.mixer.mixer.filter.decay")
                && e.getMessage().contains("layer 0"), e.getMessage());
    }

    @Test
    void malformedFoldersAreRefusedByName(@TempDir Path tmp) throws IOException {
        Path top = tmp.resolve("ckpt");
        Files.createDirectories(top);
        Files.writeString(top.resolve("latest_checkpointed_iteration.txt"), "12\n");
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> MegatronBridgeFolder.open(top));
        assertTrue(e.getMessage().contains("iter_0000012 is missing"), e.getMessage());

        Files.writeString(top.resolve("latest_checkpointed_iteration.txt"), "twelve");
        e = assertThrows(CheckpointFormatException.class, () -> MegatronBridgeFolder.open(top));
        assertTrue(e.getMessage().contains("'twelve' is not an iteration number"), e.getMessage());

        Path iter = Files.createDirectories(tmp.resolve("other/iter_0000003"));
        e = assertThrows(CheckpointFormatException.class, () -> MegatronBridgeFolder.open(iter));
        assertTrue(e.getMessage().contains("no run_config.yaml"), e.getMessage());
        e = assertThrows(CheckpointFormatException.class, () -> DcpMetadata.read(iter));
        assertTrue(e.getMessage().contains("no .metadata"), e.getMessage());
    }

    @Test
    void anIndexThatNamesAnyOtherGlobalIsRefused(@TempDir Path tmp) throws IOException {
        // protocol 2: GLOBAL 'os system', the string 'echo', TUPLE1, REDUCE, STOP
        byte[] pickle = ("\u0080\u0002cos\nsystem\nX\u0004\u0000\u0000\u0000echo\u0085R.")
                .getBytes(StandardCharsets.ISO_8859_1);
        Path iter = Files.createDirectories(tmp.resolve("iter_0000001"));
        Files.write(iter.resolve(".metadata"), pickle);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> DcpMetadata.read(iter));
        assertTrue(e.getMessage().contains(".metadata") && e.getMessage().contains("'os.system'"), e.getMessage());
    }

    @Test
    void anIndexWhoseStringClaimsMoreBytesThanTheFileHasIsRefusedBeforeReading(@TempDir Path tmp) throws IOException {
        // protocol 2: BINUNICODE claiming 0x7ffffff0 bytes in a 12-byte file
        byte[] pickle = "\u0080\u0002X\u00f0\u00ff\u00ff\u007fabc.".getBytes(StandardCharsets.ISO_8859_1);
        Path iter = Files.createDirectories(tmp.resolve("iter_0000001"));
        Files.write(iter.resolve(".metadata"), pickle);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> DcpMetadata.read(iter));
        assertTrue(e.getMessage().contains(".metadata") && e.getMessage().contains("claims 2147483632 bytes"),
                e.getMessage());
    }
}
