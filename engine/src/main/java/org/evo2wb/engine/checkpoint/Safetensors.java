package org.evo2wb.engine.checkpoint;

import org.evo2wb.engine.io.OutputFiles;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors format: {@code u64 little-endian N}, an {@code N}-byte UTF-8 JSON header
 * {@code {"__metadata__": {str: str}, name: {"dtype": "BF16", "shape": [..], "data_offsets": [begin, end]}, …}},
 * then the data block; offsets are relative to the first byte after the header and each tensor is row-major
 * little-endian. Reading maps each tensor on its own (so files over 2 GiB work); writing streams tensor by tensor.
 */
public final class Safetensors implements CheckpointFile {

    private static final long MAX_HEADER = 100L * 1024 * 1024;
    private static final Map<String, StorageType> DTYPES = Map.of("BF16", StorageType.BF16, "F16", StorageType.F16,
            "F32", StorageType.F32, "F64", StorageType.F64, "I64", StorageType.I64, "I32", StorageType.I32,
            "U8", StorageType.U8, "BOOL", StorageType.BOOL);

    private record Slot(TensorInfo info, long begin, long end) {}

    private final FileByteSource source;
    private final Map<String, Slot> slots;
    private final Map<String, String> metadata;
    private final long dataStart;

    private Safetensors(FileByteSource source) throws IOException {
        this.source = source;
        String file = source.name();
        if (source.size() < 8) {
            throw new CheckpointFormatException(file + ": too short for a safetensors file");
        }
        long n = source.slice(0, 8).getLong(0);
        if (n < 2 || n > MAX_HEADER || 8 + n > source.size()) {
            throw new CheckpointFormatException(file + ": safetensors header length " + n + " is invalid for a file of "
                    + source.size() + " bytes");
        }
        dataStart = 8 + n;
        String json = new String(source.read(8, (int) n), StandardCharsets.UTF_8);
        JsonObject header;
        try {
            header = JsonParser.parseString(json).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new CheckpointFormatException(file + ": the safetensors header (" + n + " bytes after the length) is "
                    + "not a JSON object" + jsonProblem(e) + "; the file is damaged or not a safetensors file");
        }
        Map<String, Slot> s = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        long dataLen = source.size() - dataStart;
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            String key = e.getKey();
            if (key.equals("__metadata__")) {
                try {
                    for (Map.Entry<String, JsonElement> m : e.getValue().getAsJsonObject().entrySet()) {
                        meta.put(m.getKey(), m.getValue().getAsString());
                    }
                } catch (IllegalStateException | UnsupportedOperationException ex) {
                    throw new CheckpointFormatException(file + ": __metadata__ must map strings to strings");
                }
                continue;
            }
            s.put(key, slot(file, key, e.getValue(), dataLen));
        }
        slots = Collections.unmodifiableMap(s);
        metadata = Collections.unmodifiableMap(meta);
    }

    /**
     * Where and why the JSON parser gave up, in words: ": unterminated object at line 1 column 40", without the
     * parser's class names or help links; "" when it says nothing useful.
     */
    static String jsonProblem(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        if (m == null || !(root instanceof java.io.IOException || root instanceof JsonParseException)) {
            return "";
        }
        m = m.lines().findFirst().orElse("")
                .replaceAll("(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error):\\s*", "")
                .replaceAll("\\s*path \\$.*$", "").strip();
        if (m.isEmpty()) {
            return "";
        }
        return ": " + Character.toLowerCase(m.charAt(0)) + m.substring(1);
    }

    private static Slot slot(String file, String key, JsonElement el, long dataLen) throws CheckpointFormatException {
        try {
            JsonObject o = el.getAsJsonObject();
            String dt = o.get("dtype").getAsString();
            StorageType type = DTYPES.get(dt);
            if (type == null) {
                throw new CheckpointFormatException(file + ": tensor '" + key + "' has unsupported dtype " + dt
                        + " (supported: " + DTYPES.keySet() + ")");
            }
            JsonArray sh = o.getAsJsonArray("shape");
            long[] shape = new long[sh.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = sh.get(i).getAsLong();
                if (shape[i] < 0) {
                    throw new CheckpointFormatException(file + ": tensor '" + key + "' has a negative dimension");
                }
            }
            JsonArray off = o.getAsJsonArray("data_offsets");
            long begin = off.get(0).getAsLong();
            long end = off.get(1).getAsLong();
            TensorInfo info = new TensorInfo(type, shape);
            if (begin < 0 || end < begin || end > dataLen) {
                throw new CheckpointFormatException(file + ": tensor '" + key + "' data_offsets [" + begin + ", " + end
                        + "] lie outside the data block of " + dataLen + " bytes");
            }
            if (end - begin != info.byteSize()) {
                throw new CheckpointFormatException(file + ": tensor '" + key + "' " + info + " needs " + info.byteSize()
                        + " bytes but data_offsets span " + (end - begin));
            }
            return new Slot(info, begin, end);
        } catch (NullPointerException | IllegalStateException | UnsupportedOperationException
                 | IndexOutOfBoundsException | NumberFormatException | ArithmeticException e) {
            String text = el.toString();
            throw new CheckpointFormatException(file + ": tensor '" + key + "' has a malformed header entry "
                    + (text.length() > 200 ? text.substring(0, 200) + "…" : text));
        }
    }

    public static Safetensors open(Path file) throws IOException {
        FileByteSource src = new FileByteSource(file);
        try {
            return new Safetensors(src);
        } catch (IOException | RuntimeException e) {
            src.close();
            throw e;
        }
    }

    /** Opens, maps every tensor, closes. */
    public static Map<String, HostTensor> read(Path file) throws IOException {
        try (Safetensors s = open(file)) {
            return s.tensors();
        }
    }

    /** True when the first bytes look like a safetensors header length followed by '{'. */
    public static boolean sniff(ByteBuffer head, long fileSize) {
        if (head.remaining() < 9) {
            return false;
        }
        long n = head.order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        return n >= 2 && n <= MAX_HEADER && 8 + n <= fileSize && head.get(8) == '{';
    }

    @Override
    public String name() {
        return source.name();
    }

    @Override
    public Format format() {
        return Format.SAFETENSORS;
    }

    /** The free-form {@code __metadata__} strings. */
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public Map<String, TensorInfo> infos() {
        Map<String, TensorInfo> out = new LinkedHashMap<>();
        slots.forEach((k, v) -> out.put(k, v.info()));
        return out;
    }

    @Override
    public HostTensor tensor(String key) throws IOException {
        Slot s = slots.get(key);
        if (s == null) {
            throw new CheckpointFormatException(source.name() + ": no tensor '" + key + "'");
        }
        long len = s.end() - s.begin();
        if (len > Integer.MAX_VALUE) {
            throw new CheckpointFormatException(source.name() + ": tensor '" + key + "' has " + len
                    + " bytes; tensors over 2 GiB are not supported");
        }
        return new HostTensor(s.info().type(), s.info().shape(), source.slice(dataStart + s.begin(), (int) len));
    }

    @Override
    public void close() throws IOException {
        source.close();
    }

    /**
     * Writes {@code tensors} in map order with an optional {@code __metadata__}. The header is padded with spaces to
     * a multiple of 8 bytes so every tensor starts 8-byte aligned when sizes allow.
     */
    public static void write(Path file, Map<String, HostTensor> tensors, Map<String, String> metadata)
            throws IOException {
        write(file, PtWriter.layout(tensors), tensors::get, metadata);
    }

    /**
     * Writes the tensors named by {@code layout} (in its order), fetching each from {@code source} only when it is
     * written: at most one tensor is held at a time.
     */
    public static void write(Path file, Map<String, TensorInfo> layout, TensorSource source,
                             Map<String, String> metadata) throws IOException {
        JsonObject header = new JsonObject();
        if (metadata != null && !metadata.isEmpty()) {
            JsonObject m = new JsonObject();
            metadata.forEach(m::addProperty);
            header.add("__metadata__", m);
        }
        long offset = 0;
        for (Map.Entry<String, TensorInfo> e : layout.entrySet()) {
            TensorInfo t = e.getValue();
            JsonObject o = new JsonObject();
            o.addProperty("dtype", t.type().name());
            JsonArray shape = new JsonArray();
            for (long d : t.shape()) {
                shape.add(d);
            }
            o.add("shape", shape);
            JsonArray off = new JsonArray();
            off.add(offset);
            offset += t.byteSize();
            off.add(offset);
            o.add("data_offsets", off);
            header.add(e.getKey(), o);
        }
        Gson gson = new GsonBuilder().disableHtmlEscaping().create();
        byte[] json = gson.toJson(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        try (FileChannel ch = OutputFiles.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(ch, head);
            for (Map.Entry<String, TensorInfo> e : layout.entrySet()) {
                HostTensor t = PtWriter.checked(file, e.getKey(), e.getValue(), source.get(e.getKey()));
                writeFully(ch, t.data().duplicate());
            }
        }
    }

    static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
