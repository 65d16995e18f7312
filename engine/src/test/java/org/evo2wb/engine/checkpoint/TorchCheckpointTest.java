package org.evo2wb.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchCheckpointTest {

    @TempDir
    Path tmp;

    /** Keys, shapes and dtypes of spec §4.3 for D=64, I=128, G=16, head dim 32, blocks S D H * S. */
    static Map<String, Object[]> expectedTinyLayout() {
        int d = 64;
        int inner = 128;
        int g = 16;
        Map<String, Object[]> m = new LinkedHashMap<>();
        m.put("embedding_layer.weight", new Object[] {StorageType.BF16, new long[] {512, d}});
        m.put("unembed.weight", new Object[] {StorageType.BF16, new long[] {512, d}});
        m.put("norm.scale", new Object[] {StorageType.BF16, new long[] {d}});
        char[] kinds = {'S', 'D', 'H', '*', 'S'};
        for (int i = 0; i < kinds.length; i++) {
            String b = "blocks." + i + ".";
            m.put(b + "pre_norm.scale", new Object[] {StorageType.BF16, new long[] {d}});
            m.put(b + "post_norm.scale", new Object[] {StorageType.BF16, new long[] {d}});
            m.put(b + "mlp.l1.weight", new Object[] {StorageType.BF16, new long[] {inner, d}});
            m.put(b + "mlp.l2.weight", new Object[] {StorageType.BF16, new long[] {inner, d}});
            m.put(b + "mlp.l3.weight", new Object[] {StorageType.BF16, new long[] {d, inner}});
            if (kinds[i] == '*') {
                m.put(b + "inner_mha_cls.Wqkv.weight", new Object[] {StorageType.BF16, new long[] {3 * d, d}});
                m.put(b + "inner_mha_cls.out_proj.weight", new Object[] {StorageType.BF16, new long[] {d, d}});
                m.put(b + "inner_mha_cls.out_proj.bias", new Object[] {StorageType.BF16, new long[] {d}});
                m.put(b + "inner_mha_cls.rotary_emb.inv_freq", new Object[] {StorageType.BF16, new long[] {16}});
                continue;
            }
            m.put(b + "projections.weight", new Object[] {StorageType.BF16, new long[] {3 * d, d}});
            m.put(b + "filter.short_filter_weight", new Object[] {StorageType.BF16, new long[] {3 * d, 1, 3}});
            m.put(b + "out_filter_dense.weight", new Object[] {StorageType.BF16, new long[] {d, d}});
            m.put(b + "out_filter_dense.bias", new Object[] {StorageType.BF16, new long[] {d}});
            switch (kinds[i]) {
                case 'S' -> m.put(b + "filter.h", new Object[] {StorageType.BF16, new long[] {g, 1, 7}});
                case 'D' -> {
                    m.put(b + "filter.h", new Object[] {StorageType.BF16, new long[] {g, 1, 128}});
                    m.put(b + "filter.D", new Object[] {StorageType.BF16, new long[] {d}});
                }
                default -> {
                    m.put(b + "filter.log_poles", new Object[] {StorageType.F32, new long[] {d, 16, 1}});
                    m.put(b + "filter.residues", new Object[] {StorageType.F32, new long[] {d, 16}});
                    m.put(b + "filter.D", new Object[] {StorageType.BF16, new long[] {d}});
                }
            }
        }
        return m;
    }

    @Test
    void tinyCheckpointHasTheSpecKeysShapesAndDtypesInFileOrder() throws IOException {
        Map<String, HostTensor> t = TorchCheckpoint.readTensors(Golden.path("tiny.pt"));
        Map<String, Object[]> expected = expectedTinyLayout();
        assertEquals(55, t.size());
        assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(t.keySet()));
        for (Map.Entry<String, Object[]> e : expected.entrySet()) {
            HostTensor h = t.get(e.getKey());
            assertEquals(e.getValue()[0], h.type(), e.getKey());
            assertArrayEquals((long[]) e.getValue()[1], h.shape(), e.getKey());
        }
    }

    @Test
    void tinyValuesMatchAnIndependentReadingOfTheArchive() throws IOException {
        Map<String, HostTensor> t = TorchCheckpoint.readTensors(Golden.path("tiny.pt"));
        HostTensor emb = t.get("embedding_layer.weight");
        // First raw bf16 words and the last one, read with Python's zipfile + struct from tiny/data/0.
        assertEquals((short) 0xbf90, emb.data().getShort(0));
        assertEquals((short) 0xbf94, emb.data().getShort(2));
        assertEquals((short) 0xbe80, emb.data().getShort(4));
        assertEquals((short) 0xbede, emb.data().getShort(6));
        assertEquals((short) 0x3f90, emb.data().getShort(2 * (512 * 64 - 1)));
        double sumAbs = 0;
        for (float v : emb.toFloatArray()) {
            sumAbs += Math.abs(v);
        }
        assertEquals(26196.772784233093, sumAbs, 1e-9);
        // The unembedding is a separate storage holding the same bits.
        assertEquals(emb.data(), t.get("unembed.weight").data());
        float[] poles = t.get("blocks.2.filter.log_poles").toFloatArray();
        assertEquals(-0.014793041162192822f, poles[0]);
        assertEquals(-0.021899765357375145f, poles[1]);
        assertEquals(-0.008020689710974693f, poles[2]);
    }

    @Test
    void invFreqIsTheRopeFrequencyRoundedToBf16() throws IOException {
        float[] f = TorchCheckpoint.readTensors(Golden.path("tiny.pt"))
                .get("blocks.3.inner_mha_cls.rotary_emb.inv_freq").toFloatArray();
        assertEquals(16, f.length);
        for (int j = 0; j < 16; j++) {
            double ref = Math.pow(10000, -2.0 * j / 32);
            assertEquals(ref, f[j], ref * 0x1p-8, "inv_freq[" + j + "]");
        }
    }

    @Test
    void dictOfF64TensorsWithAZeroDimensionalLoss() throws IOException {
        try (TorchCheckpoint c = TorchCheckpoint.open(Golden.path("tiny_ref_f64.pt"))) {
            Map<String, HostTensor> t = c.tensors();
            assertEquals(List.of("logits_f64", "per_base_logprob_f64", "loss_f64"), new ArrayList<>(t.keySet()));
            assertArrayEquals(new long[] {2, 300, 512}, t.get("logits_f64").shape());
            assertArrayEquals(new long[] {2, 299}, t.get("per_base_logprob_f64").shape());
            HostTensor loss = t.get("loss_f64");
            assertEquals(0, loss.shape().length);
            assertEquals(StorageType.F64, loss.type());
            assertEquals(25.79859577515113, loss.toDoubleArray()[0], 0.0);
            double mean = 0;
            double[] lp = t.get("per_base_logprob_f64").toDoubleArray();
            for (double v : lp) {
                mean -= v / lp.length;
            }
            assertEquals(loss.toDoubleArray()[0], mean, 1e-12);
        }
    }

    @Test
    void gradientFileHasAnF64TensorForEveryTrainableEntry() throws IOException {
        Map<String, HostTensor> g = TorchCheckpoint.readTensors(Golden.path("tiny_grads_f64.pt"));
        Map<String, Object[]> layout = expectedTinyLayout();
        layout.remove("unembed.weight");
        layout.remove("blocks.3.inner_mha_cls.rotary_emb.inv_freq");
        assertEquals(new ArrayList<>(layout.keySet()), new ArrayList<>(g.keySet()));
        for (Map.Entry<String, HostTensor> e : g.entrySet()) {
            assertEquals(StorageType.F64, e.getValue().type(), e.getKey());
            assertArrayEquals((long[]) layout.get(e.getKey())[1], e.getValue().shape(), e.getKey());
        }
    }

    @Test
    void singleTensorFileOfTokenIds() throws IOException {
        try (TorchCheckpoint c = TorchCheckpoint.open(Golden.path("tiny_ids.pt"))) {
            HostTensor ids = c.singleTensor();
            assertEquals(StorageType.I64, ids.type());
            assertArrayEquals(new long[] {2, 300}, ids.shape());
            long[] v = ids.toLongArray();
            assertArrayEquals(new long[] {65, 67, 71, 84}, java.util.Arrays.copyOf(v, 4));
            assertEquals(136, v[599]);
            assertThrows(CheckpointFormatException.class, c::tensors);
        }
    }

    @Test
    void byteShardsReadAsOneFileWithoutConcatenatingThem() throws IOException {
        byte[] whole = Files.readAllBytes(Golden.path("tiny.pt"));
        // Cuts inside a storage, inside the pickle and inside the central directory.
        int[] cuts = {0, 1000, 300_001, whole.length - 200, whole.length};
        for (int k = 0; k + 1 < cuts.length; k++) {
            Files.write(tmp.resolve("tiny.pt.part" + k),
                    java.util.Arrays.copyOfRange(whole, cuts[k], cuts[k + 1]));
        }
        Map<String, HostTensor> ref = TorchCheckpoint.readTensors(Golden.path("tiny.pt"));
        Map<String, HostTensor> sharded = TorchCheckpoint.readTensors(tmp.resolve("tiny.pt.part2"));
        assertEquals(new ArrayList<>(ref.keySet()), new ArrayList<>(sharded.keySet()));
        for (String key : ref.keySet()) {
            assertEquals(ref.get(key).type(), sharded.get(key).type(), key);
            assertArrayEquals(ref.get(key).shape(), sharded.get(key).shape(), key);
            assertEquals(ref.get(key).data(), sharded.get(key).data(), key);
        }
    }

    @Test
    void missingShardIsNamed() throws IOException {
        byte[] whole = Files.readAllBytes(Golden.path("tiny.pt"));
        Files.write(tmp.resolve("m.pt.part0"), java.util.Arrays.copyOfRange(whole, 0, 1000));
        Files.write(tmp.resolve("m.pt.part2"), java.util.Arrays.copyOfRange(whole, 2000, whole.length));
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> TorchCheckpoint.open(tmp.resolve("m.pt.part0")));
        assertTrue(e.getMessage().contains("m.pt.part1"), e.getMessage());
    }

    /** A pickle that would run {@code os.system('echo pwned')} in Python's unpickler. */
    @Test
    void refusesAPickleThatCallsOsSystem() throws IOException {
        byte[] pkl = new PickleWriter().proto(2).global("os", "system").unicode("echo pwned").tuple(1).reduce()
                .stop().toByteArray();
        Path f = Golden.storedZip(tmp.resolve("evil.pt"), Map.of("evil/data.pkl", pkl));
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> TorchCheckpoint.open(f));
        assertTrue(e.getMessage().contains("os.system"), e.getMessage());
        assertTrue(e.getMessage().contains("evil.pt") && e.getMessage().contains("evil/data.pkl"), e.getMessage());
    }

    @Test
    void refusesStackGlobalInstAndReduceOnData() throws IOException {
        // protocol 4 STACK_GLOBAL naming builtins.eval
        byte[] stackGlobal = new PickleWriter().proto(4).unicode("builtins").unicode("eval").raw(0x93)
                .unicode("1").tuple(1).reduce().stop().toByteArray();
        // protocol 0 INST: 'i' module\n name\n, creates an instance of the class
        byte[] inst = new PickleWriter().proto(2).mark().raw('i').rawAscii("subprocess\nPopen\n").stop()
                .toByteArray();
        // REDUCE on a plain string (razorvine would otherwise try to call whatever is there)
        byte[] reduceOnString = new PickleWriter().proto(2).unicode("x").emptyTuple().reduce().stop().toByteArray();
        String[] expect = {"builtins.eval", "opcode 0x69", "not an allowed callable"};
        byte[][] pickles = {stackGlobal, inst, reduceOnString};
        for (int i = 0; i < pickles.length; i++) {
            Path f = Golden.storedZip(tmp.resolve("bad" + i + ".pt"), Map.of("bad/data.pkl", pickles[i]));
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> TorchCheckpoint.open(f));
            assertTrue(e.getMessage().contains(expect[i]), e.getMessage());
        }
    }

    /**
     * An OrderedDict state dict with {@code _metadata} (what {@code module.state_dict()} pickles), a pickled
     * {@code io.BytesIO} {@code _extra_state} exactly as Python 3 writes it at protocol 2, a transposed view and an
     * offset view sharing one fp32 storage, and an fp16 tensor.
     */
    @Test
    void orderedDictExtraStateViewsAndSharedStorage() throws IOException {
        float[] base = {0, 1, 2, 3, 4, 5, 6, 7};
        ByteBuffer fb = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : base) {
            fb.putFloat(v);
        }
        ByteBuffer hb = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        hb.putShort(Half.floatToFp16(1.5f)).putShort(Half.floatToFp16(-2f));
        PickleWriter p = new PickleWriter().proto(2).global("collections", "OrderedDict").put(0).emptyTuple().reduce()
                .mark();
        // 'w.t': storage '0' viewed as shape (3,2) with stride (1,3) from offset 1 -> [[1,4],[2,5],[3,6]]
        p.unicode("w.t");
        tensor(p, "FloatStorage", "0", 8, 1, new long[] {3, 2}, new long[] {1, 3});
        // 'w.tail': same storage, contiguous (2,) from offset 6 -> [6,7]
        p.unicode("w.tail");
        tensor(p, "FloatStorage", "0", 8, 6, new long[] {2}, new long[] {1});
        p.unicode("mlp._extra_state");
        p.global("_io", "BytesIO").emptyTuple().newObj().global("_codecs", "encode").unicode("\u0001\u00ff")
                .unicode("latin1").tuple(2).reduce().integer(0).none().tuple(3).build();
        p.unicode("h");
        tensor(p, "HalfStorage", "1", 2, 0, new long[] {2}, new long[] {1});
        p.setItems();
        // state: {'_metadata': OrderedDict()}
        p.emptyDict().unicode("_metadata").get(0).emptyTuple().reduce().setItem().build().stop();
        Path f = Golden.storedZip(tmp.resolve("views.pt"), new LinkedHashMap<>(Map.of(
                "archive/data.pkl", p.toByteArray(), "archive/byteorder", "little".getBytes(),
                "archive/data/0", fb.array(), "archive/data/1", hb.array())));
        try (TorchCheckpoint c = TorchCheckpoint.open(f)) {
            assertEquals(List.of("w.t", "w.tail", "h"), new ArrayList<>(c.entries().keySet()));
            assertFalse(c.entries().get("w.t").isContiguous());
            Map<String, HostTensor> t = c.tensors();
            assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, t.get("w.t").toFloatArray());
            assertArrayEquals(new long[] {3, 2}, t.get("w.t").shape());
            assertArrayEquals(new float[] {6, 7}, t.get("w.tail").toFloatArray());
            assertArrayEquals(new float[] {1.5f, -2f}, t.get("h").toFloatArray());
            assertEquals(32 + 4, c.storageBytes());
        }
    }

    @Test
    void viewPastTheEndOfItsStorageIsReportedWithTheKey() throws IOException {
        PickleWriter p = new PickleWriter().proto(2).emptyDict().unicode("x");
        tensor(p, "FloatStorage", "0", 4, 2, new long[] {3}, new long[] {1});
        p.setItem().stop();
        Path f = Golden.storedZip(tmp.resolve("short.pt"), Map.of("a/data.pkl", p.toByteArray(),
                "a/data/0", new byte[16]));
        try (TorchCheckpoint c = TorchCheckpoint.open(f)) {
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class, c::tensors);
            assertTrue(e.getMessage().contains("'x'") && e.getMessage().contains("short.pt"), e.getMessage());
        }
    }

    @Test
    void truncatedFileIsReported() throws IOException {
        byte[] whole = Files.readAllBytes(Golden.path("tiny.pt"));
        Path f = tmp.resolve("cut.pt");
        Files.write(f, java.util.Arrays.copyOf(whole, whole.length - 100));
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> TorchCheckpoint.open(f));
        assertTrue(e.getMessage().contains("cut.pt"), e.getMessage());
    }

    /** Writes {@code _rebuild_tensor_v2(('storage', torch.<cls>, key, 'cpu', numel), offset, size, stride, False, OrderedDict())}. */
    static void tensor(PickleWriter p, String cls, String key, long numel, long offset, long[] size, long[] stride) {
        p.global("torch._utils", "_rebuild_tensor_v2").mark();
        p.mark().unicode("storage").global("torch", cls).unicode(key).unicode("cpu").integer(numel).tupleFromMark()
                .binPersId();
        p.integer(offset);
        p.mark();
        for (long s : size) {
            p.integer(s);
        }
        p.tupleFromMark().mark();
        for (long s : stride) {
            p.integer(s);
        }
        p.tupleFromMark().bool(false).global("collections", "OrderedDict").emptyTuple().reduce().tupleFromMark().reduce();
    }
}
