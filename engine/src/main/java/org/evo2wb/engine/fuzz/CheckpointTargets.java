package org.evo2wb.engine.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.evo2wb.engine.checkpoint.ByteSource;
import org.evo2wb.engine.checkpoint.CheckpointFile;
import org.evo2wb.engine.checkpoint.CheckpointFormatException;
import org.evo2wb.engine.checkpoint.Checkpoints;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.StoredZip;

/** The checkpoint readers: {@code .pt} (zip + pickle) and safetensors, both through {@link Checkpoints#open}. */
final class CheckpointTargets {

    private CheckpointTargets() {}

    /** Opens {@code input}, lists its tensors and fetches every one, as loading a model does. */
    static void readAll(Path input) throws IOException {
        try (CheckpointFile f = Checkpoints.open(input)) {
            long bytes = 0;
            for (String key : f.infos().keySet()) {
                HostTensor t = f.tensor(key);
                bytes += t.data().remaining();
            }
            if (bytes < 0) {
                throw new IllegalStateException();
            }
        }
    }

    /** A seed held in memory, as a {@link ByteSource}. */
    private record BytesSource(byte[] bytes) implements ByteSource {

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public String name() {
            return "seed";
        }

        @Override
        public ByteBuffer slice(long position, int length) {
            return ByteBuffer.wrap(bytes, (int) position, length).slice().order(ByteOrder.LITTLE_ENDIAN);
        }

        @Override
        public void close() {}
    }

    private abstract static class Base implements FuzzTarget {

        private final String name;
        private final CheckpointFile.Format format;

        Base(String name, CheckpointFile.Format format) {
            this.name = name;
            this.format = format;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean accepts(Path seed) {
            try (CheckpointFile f = Checkpoints.open(seed)) {
                return f.format() == format && f.infos().size() <= 4096;
            } catch (Exception e) {
                return false;
            }
        }

        @Override
        public Class<? extends Exception> refusal() {
            return CheckpointFormatException.class;
        }

        @Override
        public void read(Path input) throws Exception {
            readAll(input);
        }
    }

    /**
     * torch.save zips. Six times in ten the pickle ({@code data.pkl}) is mutated and the archive rebuilt with correct
     * CRC-32s, so the unpickler and the tensor layout checks see the damage; otherwise the archive's bytes are
     * (reaching the zip directory reader, and the CRC-32 check for damaged tensor data).
     */
    static final class Pt extends Base {

        Pt() {
            super("pt", CheckpointFile.Format.TORCH_ZIP);
        }

        @Override
        public byte[] mutate(byte[] seed, SplittableRandom random) {
            if (random.nextInt(10) < 4) {
                return Mutations.bytes(seed, random, 4);
            }
            Map<String, byte[]> entries = unzip(seed);
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                if (e.getKey().endsWith("data.pkl")) {
                    e.setValue(Mutations.bytes(e.getValue(), random, 3));
                }
            }
            return zip(entries);
        }

        /** The entries of a seed archive, read with the workbench's own zip reader (torch's headers need it). */
        static Map<String, byte[]> unzip(byte[] b) {
            Map<String, byte[]> out = new LinkedHashMap<>();
            try {
                StoredZip zip = StoredZip.read(new BytesSource(b));
                for (StoredZip.Entry e : zip.entries().values()) {
                    ByteBuffer data = zip.slice(e);
                    byte[] bytes = new byte[data.remaining()];
                    data.get(bytes);
                    out.put(e.name(), bytes);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out;
        }

        static byte[] zip(Map<String, byte[]> entries) {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            try (ZipOutputStream z = new ZipOutputStream(o)) {
                for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                    ZipEntry ze = new ZipEntry(e.getKey());
                    ze.setMethod(ZipEntry.STORED);
                    ze.setSize(e.getValue().length);
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    ze.setCrc(crc.getValue());
                    z.putNextEntry(ze);
                    z.write(e.getValue());
                    z.closeEntry();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return o.toByteArray();
        }
    }

    /**
     * safetensors. Seven times in ten the JSON header is mutated as text (its length field rewritten to match half of
     * those times); otherwise the file's bytes are.
     */
    static final class SafetensorsTarget extends Base {

        private static final List<String> KEYWORDS = List.of("{", "}", "\"dtype\":\"F32\",", "\"shape\":[",
                "\"data_offsets\":[0,", "\"__metadata__\":{\"a\":1},", "[[[[[[[[", "\"", ",");

        SafetensorsTarget() {
            super("safetensors", CheckpointFile.Format.SAFETENSORS);
        }

        @Override
        public byte[] mutate(byte[] seed, SplittableRandom random) {
            if (random.nextInt(10) < 3 || seed.length < 8) {
                return Mutations.bytes(seed, random, 4);
            }
            ByteBuffer b = ByteBuffer.wrap(seed).order(ByteOrder.LITTLE_ENDIAN);
            long n = b.getLong(0);
            if (n < 0 || 8 + n > seed.length) {
                return Mutations.bytes(seed, random, 4);
            }
            byte[] json = java.util.Arrays.copyOfRange(seed, 8, 8 + (int) n);
            String text = new String(json, StandardCharsets.UTF_8).replace(",", ",\n");
            byte[] mutated = new String(Mutations.text(text.getBytes(StandardCharsets.ISO_8859_1), random, 4,
                    KEYWORDS), StandardCharsets.ISO_8859_1).replace(",\n", ",").getBytes(StandardCharsets.ISO_8859_1);
            long header = random.nextBoolean() ? mutated.length : n;
            ByteBuffer out = ByteBuffer.allocate(8 + mutated.length + seed.length - 8 - (int) n)
                    .order(ByteOrder.LITTLE_ENDIAN);
            out.putLong(header).put(mutated).put(seed, 8 + (int) n, seed.length - 8 - (int) n);
            return out.array();
        }
    }
}
