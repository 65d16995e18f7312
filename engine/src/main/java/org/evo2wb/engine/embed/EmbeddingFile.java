package org.evo2wb.engine.embed;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes embeddings as they arrive, so nothing but the current stretch is held:
 * <ul>
 *   <li>{@code .safetensors}: per base, one tensor {@code LAYER/RECORD} of shape (bases, width) per layer and record;
 *       mean-pooled, one tensor {@code LAYER} of shape (records, width). Float32; the metadata lists the records
 *       and the pooling. Sizes are known up front, so every stretch is written in place.</li>
 *   <li>{@code .npy}: one layer; per base (all records' bases, width), rows in record order; mean-pooled
 *       (records, width). Float32, little-endian, C order.</li>
 *   <li>{@code .csv}: {@code record,layer,position,d0,d1,…} with position 1-based, or {@code mean}.</li>
 * </ul>
 */
public final class EmbeddingFile implements AutoCloseable {

    public enum Format { SAFETENSORS, NPY, CSV }

    /** The format named by the file's extension. */
    public static Format formatOf(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".safetensors")) {
            return Format.SAFETENSORS;
        }
        if (n.endsWith(".npy")) {
            return Format.NPY;
        }
        if (n.endsWith(".csv")) {
            return Format.CSV;
        }
        throw new IllegalArgumentException(file + ": the output must end in .safetensors, .npy or .csv");
    }

    private final Format format;
    private final List<String> ids;
    private final boolean mean;
    private final FileChannel channel;
    private final Writer csv;
    private final Map<String, Long> offsets = new LinkedHashMap<>();   // tensor key → byte of its first value
    private final long[] recordRowStart;                                  // npy per base: first row of each record
    private final long dataStart;

    private EmbeddingFile(Path file, Format format, List<LayerName> layers, List<String> ids, List<Integer> lengths,
                          boolean mean) throws IOException {
        this.format = format;
        this.ids = List.copyOf(ids);
        this.mean = mean;
        this.recordRowStart = new long[ids.size() + 1];
        for (int r = 0; r < ids.size(); r++) {
            recordRowStart[r + 1] = recordRowStart[r] + lengths.get(r);
        }
        if (format == Format.CSV) {
            channel = null;
            dataStart = 0;
            csv = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 16);
            int widest = layers.stream().mapToInt(LayerName::width).max().orElse(0);
            StringBuilder h = new StringBuilder("record,layer,position");
            for (int i = 0; i < widest; i++) {
                h.append(",d").append(i);
            }
            csv.write(h.append('\n').toString());
            return;
        }
        csv = null;
        channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING);
        byte[] header;
        if (format == Format.NPY) {
            if (layers.size() != 1) {
                throw new IllegalArgumentException("an .npy file holds one array: name one layer, or write "
                        + ".safetensors for several");
            }
            long rows = mean ? ids.size() : recordRowStart[ids.size()];
            header = npyHeader(rows, layers.get(0).width());
            offsets.put(layers.get(0).name(), 0L);
        } else {
            JsonObject h = new JsonObject();
            JsonObject meta = new JsonObject();
            meta.addProperty("pool", mean ? "mean" : "none");
            JsonArray recs = new JsonArray();
            ids.forEach(recs::add);
            meta.addProperty("records", recs.toString());
            h.add("__metadata__", meta);
            long at = 0;
            Set<String> used = new HashSet<>();
            for (LayerName l : layers) {
                if (mean) {
                    at = put(h, l.name(), new long[] {ids.size(), l.width()}, at);
                } else {
                    for (int r = 0; r < ids.size(); r++) {
                        String key = l.name() + "/" + ids.get(r);
                        for (int k = 2; !used.add(key); k++) {
                            key = l.name() + "/" + ids.get(r) + "#" + k;
                        }
                        at = put(h, key, new long[] {lengths.get(r), l.width()}, at);
                    }
                }
            }
            byte[] json = h.toString().getBytes(StandardCharsets.UTF_8);
            int pad = (8 - json.length % 8) % 8;
            header = new byte[8 + json.length + pad];
            ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length + pad);
            System.arraycopy(json, 0, header, 8, json.length);
            java.util.Arrays.fill(header, 8 + json.length, header.length, (byte) ' ');
        }
        channel.write(ByteBuffer.wrap(header), 0);
        dataStart = header.length;
    }

    private long put(JsonObject h, String key, long[] shape, long at) {
        JsonObject t = new JsonObject();
        t.addProperty("dtype", "F32");
        JsonArray s = new JsonArray();
        s.add(shape[0]);
        s.add(shape[1]);
        t.add("shape", s);
        long end = at + 4 * shape[0] * shape[1];
        JsonArray o = new JsonArray();
        o.add(at);
        o.add(end);
        t.add("data_offsets", o);
        h.add(key, t);
        offsets.put(key, at);
        return end;
    }

    /** The npy v1.0 header for a float32 (rows, width) array, padded to a multiple of 64 bytes. */
    static byte[] npyHeader(long rows, int width) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + width + "), }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String text = dict + " ".repeat(pad) + "\n";
        byte[] out = new byte[10 + text.length()];
        out[0] = (byte) 0x93;
        System.arraycopy("NUMPY".getBytes(StandardCharsets.US_ASCII), 0, out, 1, 5);
        out[6] = 1;
        out[7] = 0;
        out[8] = (byte) (text.length() & 0xFF);
        out[9] = (byte) (text.length() >>> 8);
        System.arraycopy(text.getBytes(StandardCharsets.US_ASCII), 0, out, 10, text.length());
        return out;
    }

    /** Opens {@code file} for writing in {@code format} (a temporary name may lack the extension). */
    public static EmbeddingFile open(Path file, Format format, List<LayerName> layers, List<String> ids,
                                     List<Integer> lengths, boolean mean) throws IOException {
        return new EmbeddingFile(file, format, layers, ids, lengths, mean);
    }

    /** Per-base rows of record {@code record} starting at base {@code firstBase} (0-based). */
    public void rows(int record, LayerName layer, long firstBase, float[] rows, int count) throws IOException {
        if (format == Format.CSV) {
            int w = layer.width();
            for (int i = 0; i < count; i++) {
                csvRow(record, layer, String.valueOf(firstBase + i + 1), rows, i * w, w);
            }
            return;
        }
        long base;
        if (format == Format.NPY) {
            base = offsets.get(layer.name()) + 4L * (recordRowStart[record] + firstBase) * layer.width();
        } else {
            base = offsets.get(key(layer, record)) + 4L * firstBase * layer.width();
        }
        write(base, rows, count * layer.width());
    }

    /** The mean-pooled vector of record {@code record}. */
    public void mean(int record, LayerName layer, float[] vector) throws IOException {
        if (format == Format.CSV) {
            csvRow(record, layer, "mean", vector, 0, vector.length);
            return;
        }
        write(offsets.get(layer.name()) + 4L * record * layer.width(), vector, vector.length);
    }

    private String key(LayerName layer, int record) {
        String k = layer.name() + "/" + ids.get(record);
        if (offsets.containsKey(k)) {
            // duplicate ids got #k suffixes in record order; find this record's by counting
            int seen = 0;
            for (int r = 0; r < record; r++) {
                if (ids.get(r).equals(ids.get(record))) {
                    seen++;
                }
            }
            return seen == 0 ? k : k + "#" + (seen + 1);
        }
        throw new IllegalStateException("no tensor for " + k);
    }

    private void write(long at, float[] values, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values, 0, n);
        long p = dataStart + at;
        while (b.hasRemaining()) {
            p += channel.write(b, p);
        }
    }

    private void csvRow(int record, LayerName layer, String position, float[] v, int off, int w) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append(csvField(ids.get(record))).append(',').append(layer.name()).append(',').append(position);
        for (int i = 0; i < w; i++) {
            sb.append(',').append(v[off + i]);
        }
        csv.write(sb.append('\n').toString());
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    public boolean pooled() {
        return mean;
    }

    @Override
    public void close() throws IOException {
        if (csv != null) {
            csv.close();
        }
        if (channel != null) {
            channel.force(true);
            channel.close();
        }
    }
}
