package org.evo2wb.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A {@code .pt} file's stored bytes are checked against the CRC-32 torch.save recorded for each entry. */
class CrcCheckTest {

    private static final String KEY = "blocks.2.mlp.l1.weight";

    @TempDir
    Path tmp;

    /** Offset in the file of byte {@code at} of the storage holding {@code key} in the golden tiny.pt. */
    private static long fileOffsetOf(String key, long at) throws IOException {
        try (TorchCheckpoint c = TorchCheckpoint.open(Golden.path("tiny.pt"))) {
            String storage = c.entries().get(key).storageKey();
            StoredZip zip = StoredZip.read(new FileByteSource(Golden.path("tiny.pt")));
            StoredZip.Entry e = zip.entries().values().stream().filter(z -> z.name().endsWith("/data/" + storage))
                    .findFirst().orElseThrow();
            long off = zip.dataOffset(e) + at;
            zip.source().close();
            return off;
        }
    }

    private Path flipped(String name, long offset) throws IOException {
        byte[] b = Files.readAllBytes(Golden.path("tiny.pt"));
        b[(int) offset] ^= 0x5a;
        Path f = tmp.resolve(name);
        Files.write(f, b);
        return f;
    }

    @Test
    void everyEntryOfTheGoldenFileMatchesItsRecordedCrc() throws IOException {
        StoredZip zip = StoredZip.read(new FileByteSource(Golden.path("tiny.pt")));
        try {
            for (StoredZip.Entry e : zip.entries().values()) {
                assertTrue(e.hasCrc(), e.name());
                CRC32 independent = new CRC32();
                ByteBuffer data = zip.slice(e);
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                independent.update(bytes);
                assertEquals(independent.getValue(), e.crc32(), e.name());
                assertEquals(independent.getValue(), zip.crc32(e), e.name());
            }
        } finally {
            zip.source().close();
        }
    }

    @Test
    void aFlippedByteInATensorIsRefusedNamingTheTensorWhileOthersStillRead() throws IOException {
        Path f = flipped("flip.pt", fileOffsetOf(KEY, 100));
        try (TorchCheckpoint c = TorchCheckpoint.open(f)) {
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> c.tensor(KEY));
            assertTrue(e.getMessage().contains("flip.pt") && e.getMessage().contains("'" + KEY + "'")
                    && e.getMessage().contains("CRC-32") && e.getMessage().contains("corrupt"), e.getMessage());
            assertEquals(TorchCheckpoint.readTensors(Golden.path("tiny.pt")).get("norm.scale").data(),
                    c.tensor("norm.scale").data());
        }
        // The generic front door checks too.
        try (CheckpointFile c = Checkpoints.open(f)) {
            assertThrows(CheckpointFormatException.class, c::tensors);
        }
    }

    @Test
    void aTrustedFileSkipsTheCheckAndReadsTheBytesAsStored() throws IOException {
        Path f = flipped("trusted.pt", fileOffsetOf(KEY, 100));
        HostTensor good = TorchCheckpoint.readTensors(Golden.path("tiny.pt")).get(KEY);
        try (CheckpointFile c = Checkpoints.open(f, Integrity.TRUSTED)) {
            HostTensor bad = c.tensor(KEY);
            assertEquals(good.data().remaining(), bad.data().remaining());
            assertNotEquals(good.data(), bad.data());
            assertEquals((byte) (good.data().get(100) ^ 0x5a), bad.data().get(100));
        }
    }

    /** The front door every command and view loads through: refused by default, loaded when trusted. */
    @Test
    void loadingAModelChecksUnlessTheFileIsTrusted() throws IOException {
        Path f = flipped("model.pt", fileOffsetOf(KEY, 100));
        String yml = Golden.path("tiny.yml").toString();
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> new org.evo2wb.engine.load.ModelSpec(f.toString(), yml).resolve()
                        .load(ai.djl.Device.cpu(), org.evo2wb.engine.model.Precision.FP32).close());
        assertTrue(e.getMessage().contains("'" + KEY + "'"), e.getMessage());
        try (var m = new org.evo2wb.engine.load.ModelSpec(f.toString(), yml, Integrity.TRUSTED).resolve()
                .load(ai.djl.Device.cpu(), org.evo2wb.engine.model.Precision.FP32)) {
            assertTrue(m.parameterCount() > 0);
        }
    }

    @Test
    void aFlippedByteInTheTensorIndexIsRefusedWhenOpening() throws IOException {
        StoredZip zip = StoredZip.read(new FileByteSource(Golden.path("tiny.pt")));
        StoredZip.Entry pkl = zip.entries().get("tiny/data.pkl");
        long off = zip.dataOffset(pkl) + pkl.size() / 2;
        zip.source().close();
        Path f = flipped("index.pt", off);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> TorchCheckpoint.open(f));
        assertTrue(e.getMessage().contains("data.pkl") && e.getMessage().contains("CRC-32"), e.getMessage());
    }

    @Test
    void byteShardsAreCheckedAcrossTheCut() throws IOException {
        long off = fileOffsetOf(KEY, 10);
        byte[] whole = Files.readAllBytes(flipped("x.pt", off));
        int cut = (int) off - 3;
        Files.write(tmp.resolve("s.pt.part0"), Arrays.copyOfRange(whole, 0, cut));
        Files.write(tmp.resolve("s.pt.part1"), Arrays.copyOfRange(whole, cut, whole.length));
        try (TorchCheckpoint c = TorchCheckpoint.open(tmp.resolve("s.pt.part0"))) {
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> c.tensor(KEY));
            assertTrue(e.getMessage().contains("'" + KEY + "'"), e.getMessage());
        }
    }

    /** PyTorch saving with {@code compute_crc32=False} records 0: such a file loads, as PyTorch itself loads it. */
    @Test
    void aZeroCrcMeansNoneWasRecorded() throws IOException {
        PickleWriter p = new PickleWriter().proto(2).emptyDict().unicode("x");
        TorchCheckpointTest.tensor(p, "FloatStorage", "0", 2, 0, new long[] {2}, new long[] {1});
        p.setItem().stop();
        ByteBuffer data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("a/data.pkl", p.toByteArray());
        entries.put("a/data/0", data.array());
        Path f = Golden.storedZip(tmp.resolve("nocrc.pt"), entries);
        byte[] b = Files.readAllBytes(f);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 46 < b.length; i++) {
            if (bb.getInt(i) == 0x02014b50) {
                bb.putInt(i + 16, 0); // central directory CRC-32 field
            }
        }
        Files.write(f, b);
        try (TorchCheckpoint c = TorchCheckpoint.open(f)) {
            assertFalse(StoredZip.read(new FileByteSource(f)).entries().get("a/data/0").hasCrc());
            assertEquals(-2f, c.tensor("x").toFloatArray()[1]);
        }
    }

    @Test
    void aDamagedSafetensorsHeaderIsDescribedWithoutParserClassNames() throws IOException {
        String[] bad = {"{\"w\":{\"dtype\":\"F32\",", "{\"w\" \"F32\"}", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1e999999999999],"
                + "\"data_offsets\":[0,4]}}", "{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],"
                + "\"data_offsets\":[0,4]}}"};
        for (int i = 0; i < bad.length; i++) {
            byte[] h = bad[i].getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(8 + h.length + 4).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(h.length).put(h);
            Path f = tmp.resolve("h" + i + ".safetensors");
            Files.write(f, b.array());
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Safetensors.open(f));
            assertTrue(e.getMessage().contains("h" + i + ".safetensors"), e.getMessage());
            assertFalse(e.getMessage().matches("(?s).*\\b(com|java|org)\\.[a-z]+\\..*"), e.getMessage());
            assertFalse(e.getMessage().contains("Exception"), e.getMessage());
            if (i < 2) {
                assertTrue(e.getMessage().contains("line 1 column"), e.getMessage());
            }
        }
    }
}
