package org.evo2wb.engine.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

/**
 * Writes a state dict as {@code torch.save} would, in the layout of the released Evo 2 ({@code vortex}) files, so
 * the official package can {@code torch.load(path, weights_only=True)} an exported fine-tune:
 *
 * <pre>
 *   archive/data.pkl              pickle protocol 2: {key: _rebuild_tensor_v2(storage, 0, shape, stride, False, OrderedDict())}
 *   archive/.format_version       "1"
 *   archive/.storage_alignment    "64"
 *   archive/byteorder             "little"
 *   archive/data/0 … data/{n-1}   one storage per tensor, raw little-endian, 64-byte aligned in the file
 *   archive/version               "3\n"
 *   archive/.data/serialization_id  40 decimal digits (derived from the keys here)
 * </pre>
 *
 * Each tensor's persistent id is {@code ('storage', torch.<Type>Storage, '<n>', 'cpu', numel)}; only the globals
 * {@code torch._utils._rebuild_tensor_v2}, {@code collections.OrderedDict} and {@code torch.*Storage} appear, all on
 * PyTorch's {@code weights_only} allowlist. Tensors are streamed from their buffers (a mapped source is not copied).
 */
public final class PtWriter {

    private static final Map<StorageType, String> STORAGE = Map.of(StorageType.BF16, "BFloat16Storage",
            StorageType.F16, "HalfStorage", StorageType.F32, "FloatStorage", StorageType.F64, "DoubleStorage",
            StorageType.I64, "LongStorage", StorageType.I32, "IntStorage", StorageType.U8, "ByteStorage",
            StorageType.BOOL, "BoolStorage");

    private PtWriter() {}

    /** Writes {@code tensors} (in map order) to {@code file}. */
    public static void write(Path file, Map<String, HostTensor> tensors) throws IOException {
        write(file, layout(tensors), tensors::get, false);
    }

    /**
     * Writes the tensors named by {@code layout} (in its order), fetching each from {@code source} only when it is
     * written: at most one tensor is held at a time.
     */
    public static void write(Path file, Map<String, TensorInfo> layout, TensorSource source) throws IOException {
        write(file, layout, source, false);
    }

    /** As {@link #write(Path, Map)}; {@code forceZip64} writes zip64 records even for a small file (for tests). */
    static void write(Path file, Map<String, HostTensor> tensors, boolean forceZip64) throws IOException {
        write(file, layout(tensors), tensors::get, forceZip64);
    }

    private static void write(Path file, Map<String, TensorInfo> layout, TensorSource source, boolean forceZip64)
            throws IOException {
        String prefix = "archive/";
        try (StoredZipWriter zip = new StoredZipWriter(file, 64, forceZip64)) {
            zip.add(prefix + "data.pkl", pickle(layout));
            zip.add(prefix + ".format_version", ascii("1"));
            zip.add(prefix + ".storage_alignment", ascii("64"));
            zip.add(prefix + "byteorder", ascii("little"));
            int n = 0;
            for (Map.Entry<String, TensorInfo> e : layout.entrySet()) {
                HostTensor t = checked(file, e.getKey(), e.getValue(), source.get(e.getKey()));
                zip.add(prefix + "data/" + n++, t.data().duplicate());
            }
            zip.add(prefix + "version", ascii("3\n"));
            zip.add(prefix + ".data/serialization_id", ascii(serializationId(layout)));
        }
    }

    /** Type and shape of each tensor, in map order. */
    static Map<String, TensorInfo> layout(Map<String, HostTensor> tensors) {
        Map<String, TensorInfo> out = new java.util.LinkedHashMap<>();
        tensors.forEach((k, t) -> out.put(k, new TensorInfo(t.type(), t.shape())));
        return out;
    }

    static HostTensor checked(Path file, String key, TensorInfo want, HostTensor got) throws IOException {
        if (got == null || got.type() != want.type() || !java.util.Arrays.equals(got.shape(), want.shape())) {
            throw new CheckpointFormatException(file + ": tensor '" + key + "' was announced as " + want
                    + " but supplied as " + got);
        }
        return got;
    }

    /** The {@code data.pkl} bytes: a dict built with EMPTY_DICT, MARK, (key, tensor)*, SETITEMS. */
    static byte[] pickle(Map<String, TensorInfo> tensors) {
        PickleWriter p = new PickleWriter().proto(2).emptyDict().put(0).mark();
        int memo = 1;
        int rebuild = -1;
        int orderedDict = -1;
        Map<StorageType, Integer> storageMemo = new java.util.EnumMap<>(StorageType.class);
        int n = 0;
        for (Map.Entry<String, TensorInfo> e : tensors.entrySet()) {
            TensorInfo t = e.getValue();
            p.unicode(e.getKey());
            if (rebuild < 0) {
                p.global("torch._utils", "_rebuild_tensor_v2").put(rebuild = memo++);
            } else {
                p.get(rebuild);
            }
            p.mark().mark().unicode("storage");
            Integer sm = storageMemo.get(t.type());
            if (sm == null) {
                p.global("torch", STORAGE.get(t.type())).put(memo);
                storageMemo.put(t.type(), memo++);
            } else {
                p.get(sm);
            }
            p.unicode(Integer.toString(n++)).unicode("cpu").integer(t.numel()).tupleFromMark().binPersId();
            p.integer(0);
            long[] shape = t.shape();
            p.mark();
            for (long d : shape) {
                p.integer(d);
            }
            p.tupleFromMark().mark();
            long stride = 1;
            long[] strides = new long[shape.length];
            for (int i = shape.length - 1; i >= 0; i--) {
                strides[i] = stride;
                stride *= shape[i];
            }
            for (long s : strides) {
                p.integer(s);
            }
            p.tupleFromMark().bool(false);
            if (orderedDict < 0) {
                p.global("collections", "OrderedDict").put(orderedDict = memo++);
            } else {
                p.get(orderedDict);
            }
            p.emptyTuple().reduce().tupleFromMark().reduce();
        }
        return p.setItems().stop().toByteArray();
    }

    private static String serializationId(Map<String, TensorInfo> tensors) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, TensorInfo> e : tensors.entrySet()) {
                md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
                md.update(e.getValue().toString().getBytes(StandardCharsets.UTF_8));
            }
            String digits = new java.math.BigInteger(1, md.digest()).toString();
            return digits.substring(0, 40);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
