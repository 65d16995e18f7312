package org.evo2wb.engine.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A zip-format {@code torch.save} file (the layout of the released {@code evo2_*.pt} checkpoints), read without
 * running any pickle code and without copying the file onto the heap.
 *
 * <p>Archive layout: one top-level folder {@code <prefix>/} holding {@code data.pkl} (pickle protocol 2),
 * {@code data/<key>} (raw little-endian storages), {@code byteorder}, {@code version}/{@code .format_version}.
 * The pickle is read by an allowlist unpickler ({@link SafeUnpickler}); each tensor becomes a {@link TensorEntry}
 * {@code (storage, offset, shape, stride)} and its bytes are a memory-mapped slice of the storage entry, so a
 * 13.8 GB 7B file costs address space, not heap. Several keys may share one storage; non-contiguous views are
 * copied into a contiguous heap buffer. Shards {@code x.pt.part0, .part1, …} are read as their concatenation
 * ({@link ConcatenatedByteSource}).
 *
 * <p>Buffers stay valid after {@link #close()} (a mapping outlives its channel). Tensors may be fetched from several
 * threads at once.
 */
public final class TorchCheckpoint implements CheckpointFile {

    private static final Logger LOG = LoggerFactory.getLogger(TorchCheckpoint.class);

    private final ByteSource source;
    private final Integrity integrity;
    private final StoredZip zip;
    private final String prefix;
    private final Object root;
    private final Map<String, TensorEntry> entries;
    private final Map<String, ByteBuffer> storages = new HashMap<>();

    private TorchCheckpoint(ByteSource source, Integrity integrity) throws IOException {
        this.source = source;
        this.integrity = integrity;
        this.zip = StoredZip.read(source);
        this.prefix = findPrefix();
        checkByteOrder();
        StoredZip.Entry pkl = zip.entries().get(prefix + "data.pkl");
        if (pkl.size() > Integer.MAX_VALUE) {
            throw new CheckpointFormatException(source.name() + ": " + pkl.name() + " is larger than 2 GiB");
        }
        verify(pkl, () -> "the tensor index " + pkl.name());
        ByteBuffer pb = zip.slice(pkl);
        byte[] bytes = new byte[pb.remaining()];
        pb.get(bytes);
        this.root = new SafeUnpickler(source.name() + ": " + pkl.name()).read(bytes);
        this.entries = Collections.unmodifiableMap(flatten(root));
    }

    /**
     * Opens a {@code .pt} file, or a byte shard {@code x.pt.partN} (then all shards {@code x.pt.part0…} are read
     * as one file).
     */
    public static TorchCheckpoint open(Path path) throws IOException {
        return open(path, Integrity.CHECKED);
    }

    /** {@link #open(Path)}, checking each storage's CRC-32 as it is first read unless {@code integrity} trusts it. */
    public static TorchCheckpoint open(Path path, Integrity integrity) throws IOException {
        String name = path.getFileName().toString();
        ByteSource src = name.matches(".*\\.part\\d+")
                ? new ConcatenatedByteSource(ConcatenatedByteSource.shardsOf(path))
                : new FileByteSource(path);
        return open(src, integrity);
    }

    /** Opens an archive from any byte source, checking CRC-32s; the checkpoint closes the source. */
    public static TorchCheckpoint open(ByteSource source) throws IOException {
        return open(source, Integrity.CHECKED);
    }

    /** Opens an archive from any byte source; the checkpoint closes the source. */
    public static TorchCheckpoint open(ByteSource source, Integrity integrity) throws IOException {
        try {
            return new TorchCheckpoint(source, integrity);
        } catch (IOException | RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /** Opens {@code path}, returns all tensors (mapped, in file order), and closes the file. */
    public static Map<String, HostTensor> readTensors(Path path) throws IOException {
        try (TorchCheckpoint c = open(path)) {
            return c.tensors();
        }
    }

    /** File name used in messages. */
    @Override
    public String name() {
        return source.name();
    }

    @Override
    public Format format() {
        return source instanceof ConcatenatedByteSource ? Format.TORCH_ZIP_SHARDS : Format.TORCH_ZIP;
    }

    @Override
    public Map<String, TensorInfo> infos() {
        Map<String, TensorInfo> out = new LinkedHashMap<>();
        entries.forEach((k, e) -> out.put(k, new TensorInfo(e.type(), e.shape())));
        return out;
    }

    /**
     * The unpickled object: a {@code Map<Object,Object>} (ordered) for a state dict, a {@link TensorEntry} for a
     * file holding one tensor; lists are {@code List}, tuples {@code Object[]}, {@code io.BytesIO} values an opaque
     * placeholder.
     */
    public Object root() {
        return root;
    }

    /**
     * Every tensor by key, in file order, without reading data. Nested dicts are flattened with {@code "."}; keys
     * ending in {@code _extra_state} and other non-tensor values are skipped (logged at debug level).
     */
    public Map<String, TensorEntry> entries() {
        return entries;
    }

    /** The tensor stored under {@code key}. */
    @Override
    public HostTensor tensor(String key) throws IOException {
        TensorEntry e = entries.get(key);
        if (e == null) {
            throw new CheckpointFormatException(source.name() + ": no tensor '" + key + "'");
        }
        return materialise(key, e);
    }

    /** All tensors, in file order; contiguous ones are memory-mapped slices. */
    @Override
    public Map<String, HostTensor> tensors() throws IOException {
        if (root instanceof TensorEntry) {
            throw new CheckpointFormatException(source.name() + ": holds a single tensor, not a dict; use singleTensor()");
        }
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, TensorEntry> e : entries.entrySet()) {
            out.put(e.getKey(), materialise(e.getKey(), e.getValue()));
        }
        return out;
    }

    /** The tensor of a file saved with {@code torch.save(tensor)}. */
    public HostTensor singleTensor() throws IOException {
        if (!(root instanceof TensorEntry t)) {
            throw new CheckpointFormatException(source.name() + ": holds a " + describeRoot() + ", not a single tensor");
        }
        return materialise("<root>", t);
    }

    /** Total bytes of all distinct storages referenced by tensors. */
    public long storageBytes() {
        Map<String, Long> sizes = new HashMap<>();
        for (TensorEntry e : entries.values()) {
            sizes.put(e.storageKey(), e.storageNumel() * e.type().bytes());
        }
        return sizes.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public void close() throws IOException {
        source.close();
    }

    private HostTensor materialise(String key, TensorEntry e) throws IOException {
        long numel = e.numel();
        long[] shape = e.shape();
        long[] stride = e.stride();
        if (numel > 0) {
            long last = e.storageOffset();
            for (int i = 0; i < shape.length; i++) {
                last += (shape[i] - 1) * stride[i];
            }
            if (e.storageOffset() < 0 || last >= e.storageNumel()) {
                throw new CheckpointFormatException(source.name() + ": tensor '" + key + "' " + e
                        + " reaches element " + last + " of a storage with " + e.storageNumel() + " elements");
            }
        }
        int w = e.type().bytes();
        if (numel * w > Integer.MAX_VALUE) {
            throw new CheckpointFormatException(source.name() + ": tensor '" + key + "' has " + numel * w
                    + " bytes; tensors over 2 GiB are not supported");
        }
        ByteBuffer storage = storage(key, e);
        if (numel == 0) {
            return new HostTensor(e.type(), shape, ByteBuffer.allocate(0));
        }
        if (e.isContiguous()) {
            return new HostTensor(e.type(), shape, storage.slice((int) (e.storageOffset() * w), (int) (numel * w)));
        }
        ByteBuffer out = ByteBuffer.allocate((int) (numel * w)).order(ByteOrder.LITTLE_ENDIAN);
        copyStrided(storage, e.storageOffset(), shape, stride, w, out);
        return new HostTensor(e.type(), shape, out.flip());
    }

    /** Gathers a strided view into {@code out} in row-major order. */
    private static void copyStrided(ByteBuffer src, long offset, long[] shape, long[] stride, int w, ByteBuffer out) {
        int nd = shape.length;
        long[] idx = new long[nd];
        long inner = shape[nd - 1];
        long innerStride = stride[nd - 1];
        long base = offset;
        byte[] run = innerStride == 1 ? new byte[(int) (inner * w)] : null;
        while (true) {
            if (run != null) {
                src.get((int) (base * w), run);
                out.put(run);
            } else {
                for (long j = 0; j < inner; j++) {
                    int p = (int) ((base + j * innerStride) * w);
                    for (int b = 0; b < w; b++) {
                        out.put(src.get(p + b));
                    }
                }
            }
            int d = nd - 2;
            while (d >= 0) {
                idx[d]++;
                base += stride[d];
                if (idx[d] < shape[d]) {
                    break;
                }
                base -= idx[d] * stride[d];
                idx[d] = 0;
                d--;
            }
            if (d < 0) {
                return;
            }
        }
    }

    private synchronized ByteBuffer storage(String key, TensorEntry e) throws IOException {
        ByteBuffer cached = storages.get(e.storageKey());
        if (cached != null) {
            return cached;
        }
        StoredZip.Entry z = zip.entries().get(prefix + "data/" + e.storageKey());
        if (z == null) {
            throw new CheckpointFormatException(source.name() + ": tensor '" + key + "' refers to storage '"
                    + e.storageKey() + "', but the archive has no entry " + prefix + "data/" + e.storageKey());
        }
        long need = e.storageNumel() * e.type().bytes();
        if (z.size() < need) {
            throw new CheckpointFormatException(source.name() + ": storage " + z.name() + " of tensor '" + key + "' has "
                    + z.size() + " bytes, but " + e.storageNumel() + " " + e.type() + " elements need " + need);
        }
        ByteBuffer b = zip.slice(z, 0, need);
        verify(z, b, need, () -> "tensor '" + key + "'" + sharers(key, e.storageKey()));
        storages.put(e.storageKey(), b);
        return b;
    }

    /**
     * Refuses {@code z} when its bytes do not match the CRC-32 the archive records (unless trusted, or none is
     * recorded); {@code what} names what the entry holds.
     */
    private void verify(StoredZip.Entry z, Supplier<String> what) throws IOException {
        if (integrity == Integrity.TRUSTED || !z.hasCrc() || z.method() != 0) {
            return;
        }
        check(z, zip.crc32(z), what);
    }

    /**
     * {@link #verify(StoredZip.Entry, Supplier)} for a storage whose first {@code length} bytes are already mapped as
     * {@code head}: the check reads that very mapping (so its pages are the ones the tensors then read, already in
     * memory) and only the entry's remaining bytes, if any, through a new one.
     */
    private void verify(StoredZip.Entry z, ByteBuffer head, long length, Supplier<String> what) throws IOException {
        if (integrity == Integrity.TRUSTED || !z.hasCrc() || z.method() != 0) {
            return;
        }
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(head.duplicate());
        if (z.size() > length) {
            crc.update(zip.slice(z, length, z.size() - length));
        }
        check(z, crc.getValue(), what);
    }

    private void check(StoredZip.Entry z, long actual, Supplier<String> what) throws CheckpointFormatException {
        if (actual != z.crc32()) {
            throw new CheckpointFormatException(String.format("%s: %s is corrupt: its stored bytes (%s, %d bytes) have "
                    + "CRC-32 %08x but the file records %08x; the file was damaged in download or on disk, so fetch "
                    + "or copy it again", source.name(), what.get(), z.name(), z.size(), actual, z.crc32()));
        }
    }

    /** " (and N other tensors sharing its storage)", or "" when the storage is the tensor's own. */
    private String sharers(String key, String storageKey) {
        long others = entries.entrySet().stream()
                .filter(x -> !x.getKey().equals(key) && x.getValue().storageKey().equals(storageKey)).count();
        return others == 0 ? "" : " (and " + others + " other tensor" + (others == 1 ? "" : "s")
                + " sharing its storage)";
    }

    private String findPrefix() throws CheckpointFormatException {
        String found = null;
        for (String n : zip.entries().keySet()) {
            if (n.endsWith("data.pkl") && (n.equals("data.pkl") || n.endsWith("/data.pkl"))
                    && n.indexOf('/') == n.lastIndexOf('/')) {
                if (found != null) {
                    throw new CheckpointFormatException(source.name() + ": more than one data.pkl (" + found + ", " + n + ")");
                }
                found = n;
            }
        }
        if (found == null) {
            throw new CheckpointFormatException(source.name() + ": zip archive without <name>/data.pkl; not a torch.save file");
        }
        return found.substring(0, found.length() - "data.pkl".length());
    }

    private void checkByteOrder() throws IOException {
        StoredZip.Entry bo = zip.entries().get(prefix + "byteorder");
        if (bo == null) {
            return; // written by PyTorch before 1.10: always little-endian on the platforms Evo 2 ran on
        }
        ByteBuffer b = zip.slice(bo, 0, Math.min(bo.size(), 16));
        byte[] a = new byte[b.remaining()];
        b.get(a);
        String order = new String(a, StandardCharsets.US_ASCII).trim();
        if (!order.equals("little")) {
            throw new CheckpointFormatException(source.name() + ": " + bo.name() + " says '" + order
                    + "'; only little-endian checkpoints are supported");
        }
    }

    private Map<String, TensorEntry> flatten(Object o) throws CheckpointFormatException {
        Map<String, TensorEntry> out = new LinkedHashMap<>();
        if (o instanceof TensorEntry t) {
            out.put("", t);
        } else if (o instanceof Map<?, ?> m) {
            flatten("", m, out);
        } else {
            throw new CheckpointFormatException(source.name() + ": holds a " + describeRoot()
                    + ", expected a dict of tensors or a tensor");
        }
        return out;
    }

    private void flatten(String prefix, Map<?, ?> m, Map<String, TensorEntry> out) {
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String key = prefix + e.getKey();
            Object v = e.getValue();
            if (key.endsWith("_extra_state")) {
                LOG.debug("{}: skipping '{}' (Transformer Engine FP8 metadata)", source.name(), key);
            } else if (v instanceof TensorEntry t) {
                out.put(key, t);
            } else if (v instanceof Map<?, ?> sub) {
                flatten(key + ".", sub, out);
            } else {
                LOG.debug("{}: skipping non-tensor value '{}' ({})", source.name(), key,
                        v == null ? "None" : v.getClass().getSimpleName());
            }
        }
    }

    private String describeRoot() {
        return root == null ? "None" : root instanceof Map ? "dict" : root instanceof List ? "list"
                : root instanceof TensorEntry ? "tensor" : root.getClass().getSimpleName();
    }
}
