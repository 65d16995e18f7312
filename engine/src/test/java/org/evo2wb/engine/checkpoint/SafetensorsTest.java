package org.evo2wb.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {

    @TempDir
    Path tmp;

    @Test
    void everyDtypeRoundTrips() throws IOException {
        Map<String, HostTensor> m = new LinkedHashMap<>();
        Map<String, HostTensor> tiny = TorchCheckpoint.readTensors(Golden.path("tiny.pt"));
        m.put("embedding_layer.weight", tiny.get("embedding_layer.weight")); // BF16, mapped
        m.put("blocks.2.filter.residues", tiny.get("blocks.2.filter.residues")); // F32
        m.put("ids", TorchCheckpoint.open(Golden.path("tiny_ids.pt")).singleTensor()); // I64
        m.put("loss", TorchCheckpoint.readTensors(Golden.path("tiny_ref_f64.pt")).get("loss_f64")); // F64, 0-d
        m.put("half", tensor(StorageType.F16, new long[] {3}, 0x3c00, 0xc000, 0x7bff));
        m.put("i32", tensor(StorageType.I32, new long[] {2}, -7, 123456));
        m.put("u8", tensor(StorageType.U8, new long[] {3}, 0, 128, 255));
        m.put("mask", tensor(StorageType.BOOL, new long[] {1, 2}, 1, 0));
        m.put("empty", tensor(StorageType.F32, new long[] {0, 4}));
        Path f = tmp.resolve("all.safetensors");
        Safetensors.write(f, m, Map.of("format", "pt", "source", "tiny"));
        try (Safetensors s = Safetensors.open(f)) {
            assertEquals(Map.of("format", "pt", "source", "tiny"), s.metadata());
            PtWriterTest.assertSameTensors(m, s.tensors());
        }
        long headerLen = ByteBuffer.wrap(Files.readAllBytes(f), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLen % 8);
        assertArrayEquals(new float[] {1, -2, 65504}, Safetensors.read(f).get("half").toFloatArray());
    }

    /** A file written by hand exactly as the Python safetensors package lays it out. */
    @Test
    void readsAHandWrittenFile() throws IOException {
        String json = "{\"__metadata__\":{\"format\":\"pt\"},\"b\":{\"dtype\":\"F32\",\"shape\":[2],"
                + "\"data_offsets\":[8,16]},\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}";
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).putLong(42).putFloat(0.5f).putFloat(-3f);
        Path f = tmp.resolve("hand.safetensors");
        Files.write(f, b.array());
        Map<String, HostTensor> t = Safetensors.read(f);
        assertEquals(java.util.List.of("b", "a"), new java.util.ArrayList<>(t.keySet()));
        assertArrayEquals(new float[] {0.5f, -3f}, t.get("b").toFloatArray());
        assertArrayEquals(new long[] {42}, t.get("a").toLongArray());
    }

    @Test
    void badHeadersNameFileAndTensor() throws IOException {
        String[] bad = {
            "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}",
            "{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[8],\"data_offsets\":[0,8]}}",
            "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}",
            "{\"w\":{\"dtype\":\"F32\"}}",
            "[1,2]",
        };
        String[] expect = {"needs 12 bytes", "F8_E4M3", "outside the data block", "malformed", "not a JSON object"};
        for (int i = 0; i < bad.length; i++) {
            byte[] h = bad[i].getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(8 + h.length + 8).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(h.length).put(h);
            Path f = tmp.resolve("bad" + i + ".safetensors");
            Files.write(f, b.array());
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Safetensors.open(f));
            assertTrue(e.getMessage().contains(expect[i]) && e.getMessage().contains("bad" + i + ".safetensors"),
                    e.getMessage());
            if (i < 4) {
                assertTrue(e.getMessage().contains("'w'"), e.getMessage());
            }
        }
    }

    /** A sparse file whose second tensor starts beyond 2 GiB: each tensor is mapped on its own. */
    @Test
    void tensorsBeyondTwoGibibytes() throws IOException {
        long big = (1L << 31) + 64;
        String json = "{\"pad\":{\"dtype\":\"U8\",\"shape\":[" + big + "],\"data_offsets\":[0," + big + "]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[" + big + "," + (big + 8) + "]}}";
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        Path f = tmp.resolve("sparse.safetensors");
        try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.SPARSE)) {
            ByteBuffer head = ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN);
            ch.write(head.putLong(h.length).put(h).flip());
            ByteBuffer w = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(2.5f).putFloat(-1f).flip();
            ch.write(w, 8 + h.length + big);
        }
        try (Safetensors s = Safetensors.open(f)) {
            assertArrayEquals(new float[] {2.5f, -1f}, s.tensor("w").toFloatArray());
            assertEquals(big, s.infos().get("pad").byteSize());
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> s.tensor("pad"));
            assertTrue(e.getMessage().contains("'pad'") && e.getMessage().contains("2 GiB"), e.getMessage());
        }
    }

    static HostTensor tensor(StorageType type, long[] shape, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * type.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            switch (type.bytes()) {
                case 1 -> b.put((byte) v);
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt((int) v);
                default -> b.putLong(v);
            }
        }
        return new HostTensor(type, shape, b.flip());
    }
}
