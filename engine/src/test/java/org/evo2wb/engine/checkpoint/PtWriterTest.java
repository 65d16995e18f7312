package org.evo2wb.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PtWriterTest {

    @TempDir
    Path tmp;

    static void assertSameTensors(Map<String, HostTensor> a, Map<String, HostTensor> b) {
        assertEquals(new ArrayList<>(a.keySet()), new ArrayList<>(b.keySet()));
        for (String k : a.keySet()) {
            assertEquals(a.get(k).type(), b.get(k).type(), k);
            assertArrayEquals(a.get(k).shape(), b.get(k).shape(), k);
            assertEquals(a.get(k).data(), b.get(k).data(), k);
        }
    }

    @Test
    void tinyCheckpointRoundTripsThroughTheWriter() throws IOException {
        Map<String, HostTensor> ref = TorchCheckpoint.readTensors(Golden.path("tiny.pt"));
        Path out = tmp.resolve("export.pt");
        PtWriter.write(out, ref);
        assertSameTensors(ref, TorchCheckpoint.readTensors(out));
    }

    /** Export pulls one tensor at a time (here straight from another checkpoint), for both writers. */
    @Test
    void streamingWritersFetchTensorsOneByOne() throws IOException {
        Path pt = tmp.resolve("streamed.pt");
        Path st = tmp.resolve("streamed.safetensors");
        List<String> asked = new ArrayList<>();
        try (TorchCheckpoint src = TorchCheckpoint.open(Golden.path("tiny.pt"))) {
            TensorSource fetch = key -> {
                asked.add(key);
                return src.tensor(key);
            };
            PtWriter.write(pt, src.infos(), fetch);
            Safetensors.write(st, src.infos(), fetch, Map.of());
            assertEquals(110, asked.size());
            Map<String, HostTensor> ref = src.tensors();
            assertSameTensors(ref, TorchCheckpoint.readTensors(pt));
            assertSameTensors(ref, Safetensors.read(st));
            Map<String, TensorInfo> wrongShape = new LinkedHashMap<>(src.infos());
            wrongShape.put("norm.scale", new TensorInfo(StorageType.BF16, new long[] {65}));
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                    () -> PtWriter.write(tmp.resolve("bad.pt"), wrongShape, src::tensor));
            assertTrue(e.getMessage().contains("'norm.scale'") && e.getMessage().contains("bad.pt"), e.getMessage());
        }
    }

    @Test
    void layoutMatchesTorchSave() throws IOException {
        Map<String, HostTensor> ref = TorchCheckpoint.readTensors(Golden.path("tiny_ref_f64.pt"));
        Path out = tmp.resolve("ref.pt");
        PtWriter.write(out, ref);
        // An independent zip reader (the JDK's) sees the torch.save member list with stored entries.
        try (ZipFile z = new ZipFile(out.toFile())) {
            List<String> names = new ArrayList<>();
            for (ZipEntry e : Collections.list(z.entries())) {
                names.add(e.getName());
                assertEquals(ZipEntry.STORED, e.getMethod(), e.getName());
            }
            assertEquals(List.of("archive/data.pkl", "archive/.format_version", "archive/.storage_alignment",
                    "archive/byteorder", "archive/data/0", "archive/data/1", "archive/data/2", "archive/version",
                    "archive/.data/serialization_id"), names);
            assertEquals("little", new String(z.getInputStream(z.getEntry("archive/byteorder")).readAllBytes()));
            assertEquals("3\n", new String(z.getInputStream(z.getEntry("archive/version")).readAllBytes()));
            byte[] loss = z.getInputStream(z.getEntry("archive/data/2")).readAllBytes();
            assertEquals(25.79859577515113, ByteBuffer.wrap(loss).order(ByteOrder.LITTLE_ENDIAN).getDouble(), 0);
        }
        // Storages start on 64-byte boundaries, as torch.load(mmap=True) expects.
        StoredZip zip = StoredZip.read(new FileByteSource(out));
        for (StoredZip.Entry e : zip.entries().values()) {
            assertEquals(0, zip.dataOffset(e) % 64, e.name());
        }
        zip.source().close();
        assertSameTensors(ref, TorchCheckpoint.readTensors(out));
    }

    @Test
    void pickleUsesOnlyTheWeightsOnlyGlobals() {
        Map<String, HostTensor> m = new LinkedHashMap<>();
        m.put("a", new HostTensor(StorageType.BF16, new long[] {2, 3}, ByteBuffer.allocate(12)));
        m.put("b", new HostTensor(StorageType.I64, new long[0], ByteBuffer.allocate(8)));
        String text = new String(PtWriter.pickle(PtWriter.layout(m)), java.nio.charset.StandardCharsets.ISO_8859_1);
        List<String> globals = new ArrayList<>();
        var matcher = java.util.regex.Pattern.compile("c([A-Za-z_.]+)\n([A-Za-z_0-9]+)\n").matcher(text);
        while (matcher.find()) {
            globals.add(matcher.group(1) + "." + matcher.group(2));
        }
        assertEquals(List.of("torch._utils._rebuild_tensor_v2", "torch.BFloat16Storage", "collections.OrderedDict",
                "torch.LongStorage"), globals);
    }

    /** Zip64 central-directory fields (sizes and offsets in the extra field, zip64 end records). */
    @Test
    void zip64RecordsAreReadByThisReaderAndByTheJdk() throws IOException {
        Map<String, HostTensor> ref = TorchCheckpoint.readTensors(Golden.path("tiny.pt"));
        Path out = tmp.resolve("z64.pt");
        PtWriter.write(out, ref, true);
        byte[] raw = Files.readAllBytes(out);
        int eocd = raw.length - 22;
        assertEquals(0x06054b50, ByteBuffer.wrap(raw, eocd, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
        assertEquals(-1, ByteBuffer.wrap(raw, eocd + 16, 4).order(ByteOrder.LITTLE_ENDIAN).getInt(),
                "central directory offset deferred to the zip64 record");
        assertEquals(0x07064b50, ByteBuffer.wrap(raw, eocd - 20, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
        StoredZip zip = StoredZip.read(new FileByteSource(out));
        try (ZipFile jdk = new ZipFile(out.toFile())) {
            assertEquals(jdk.size(), zip.entries().size());
            for (StoredZip.Entry e : zip.entries().values()) {
                ZipEntry j = jdk.getEntry(e.name());
                assertEquals(j.getSize(), e.size(), e.name());
                byte[] mine = new byte[(int) e.size()];
                zip.slice(e).get(mine);
                assertArrayEquals(jdk.getInputStream(j).readAllBytes(), mine, e.name());
            }
        }
        zip.source().close();
        assertSameTensors(ref, TorchCheckpoint.readTensors(out));
    }

    /**
     * Storages past 4 GiB in a sparse file: their local-header offsets exist only in zip64 extra fields and the
     * central directory only in the zip64 end record (what a 13.8 GB 7B file needs). Read whole and as shards.
     */
    @Test
    void storagesBeyondFourGibibytes() throws IOException {
        Map<String, HostTensor> ref = TorchCheckpoint.readTensors(Golden.path("tiny_ref_f64.pt"));
        Path out = tmp.resolve("far.pt");
        try (StoredZipWriter zip = new StoredZipWriter(out, 64, false)) {
            zip.add("far/data.pkl", PtWriter.pickle(PtWriter.layout(ref)));
            zip.add("far/byteorder", "little".getBytes());
            zip.hole(5L << 30);
            int n = 0;
            for (HostTensor t : ref.values()) {
                zip.add("far/data/" + n++, t.data().duplicate());
            }
        }
        assertTrue(Files.size(out) > (5L << 30));
        StoredZip z = StoredZip.read(new FileByteSource(out));
        assertTrue(z.entries().get("far/data/0").localHeaderOffset() > (4L << 30));
        z.source().close();
        assertSameTensors(ref, TorchCheckpoint.readTensors(out));
        // The same file as three shards cut at 2 GiB and 5 GiB + 100; only the written regions (the first 64 KiB
        // and everything from 5 GiB on) are copied, so the shards are sparse too.
        long size = Files.size(out);
        long[] cuts = {0, 2L << 30, (5L << 30) + 100, size};
        long[][] data = {{0, 1 << 16}, {5L << 30, size}};
        try (var src = java.nio.channels.FileChannel.open(out)) {
            for (int k = 0; k < 3; k++) {
                try (var dst = java.nio.channels.FileChannel.open(tmp.resolve("far.pt.part" + k),
                        java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE,
                        java.nio.file.StandardOpenOption.SPARSE)) {
                    for (long[] d : data) {
                        long from = Math.max(d[0], cuts[k]);
                        long to = Math.min(d[1], cuts[k + 1]);
                        if (from < to) {
                            ByteBuffer b = ByteBuffer.allocate((int) (to - from));
                            src.read(b, from);
                            dst.write(b.flip(), from - cuts[k]);
                        }
                    }
                    if (dst.size() < cuts[k + 1] - cuts[k]) {
                        dst.write(ByteBuffer.allocate(1), cuts[k + 1] - cuts[k] - 1);
                    }
                }
            }
        }
        assertSameTensors(ref, TorchCheckpoint.readTensors(tmp.resolve("far.pt.part1")));
    }

    @Test
    void writtenFileReadsBackThroughShards() throws IOException {
        Map<String, HostTensor> ref = TorchCheckpoint.readTensors(Golden.path("tiny_grads_f64.pt"));
        Path out = tmp.resolve("g.pt");
        PtWriter.write(out, ref);
        byte[] whole = Files.readAllBytes(out);
        int third = whole.length / 3;
        Files.write(tmp.resolve("g.pt.part0"), java.util.Arrays.copyOfRange(whole, 0, third));
        Files.write(tmp.resolve("g.pt.part1"), java.util.Arrays.copyOfRange(whole, third, 2 * third));
        Files.write(tmp.resolve("g.pt.part2"), java.util.Arrays.copyOfRange(whole, 2 * third, whole.length));
        try (TorchCheckpoint c = TorchCheckpoint.open(tmp.resolve("g.pt.part0"))) {
            assertEquals(CheckpointFile.Format.TORCH_ZIP_SHARDS, c.format());
            assertTrue(c.name().contains("+2 more shards"), c.name());
            assertSameTensors(ref, c.tensors());
        }
    }
}
