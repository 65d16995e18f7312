package org.evo2wb.engine.load.bionemo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.evo2wb.engine.checkpoint.CheckpointFormatException;
import org.evo2wb.engine.checkpoint.StorageType;
import org.evo2wb.engine.load.bionemo.DcpUnpickler.PyObject;
import org.evo2wb.engine.load.bionemo.DcpUnpickler.TorchName;

/**
 * The index ({@code .metadata}) of a PyTorch distributed checkpoint, as {@code torch.distributed.checkpoint} writes
 * it: a pickled {@code Metadata} record whose {@code state_dict_metadata} gives, per key, either a
 * {@code TensorStorageMetadata} (dtype in {@code properties}, global {@code size}, and the {@code chunks} it was saved
 * in, each with {@code offsets} and {@code sizes}) or a {@code BytesStorageMetadata} (a byte blob, e.g. Transformer
 * Engine's {@code _extra_state}); and whose {@code storage_data} maps each chunk ({@code MetadataIndex(fqn, offset)})
 * to where its bytes are ({@code _StorageInfo(relative_path, offset, length)}: a byte range of one
 * {@code __R_N.distcp} file).
 *
 * @param file    the {@code .metadata} file, for messages
 * @param tensors every tensor key with its type, size and chunks, in file order
 * @param blobs   the keys saved as byte blobs (not tensors)
 */
record DcpMetadata(Path file, Map<String, Tensor> tensors, Set<String> blobs) {

    /** Where one chunk's bytes are: a range of a shard file, relative to the checkpoint folder. */
    record Location(String relativePath, long offset, long length) {}

    /** One saved piece of a tensor: its offsets and sizes within the whole tensor, and its bytes. */
    record Chunk(long[] offsets, long[] sizes, Location location) {

        boolean coversWhole(long[] size) {
            return Arrays.equals(sizes, size) && Arrays.stream(offsets).allMatch(o -> o == 0);
        }
    }

    /** One tensor of the checkpoint. */
    record Tensor(String key, StorageType type, long[] size, List<Chunk> chunks) {}

    /** Reads and checks {@code dir/.metadata}. */
    static DcpMetadata read(Path dir) throws IOException {
        Path file = dir.resolve(".metadata");
        if (!Files.isRegularFile(file)) {
            throw new CheckpointFormatException(dir + ": no .metadata file; not a PyTorch distributed checkpoint "
                    + "folder (an iter_NNNNNNN folder of a Megatron Bridge checkpoint holds one)");
        }
        Object root = new DcpUnpickler(file.toString()).read(Files.readAllBytes(file));
        if (!(root instanceof PyObject md) || !md.simpleName().equals("Metadata")) {
            throw new CheckpointFormatException(file + ": holds " + DcpUnpickler.describe(root)
                    + ", not a distributed-checkpoint Metadata record");
        }
        Map<?, ?> sdm = map(md.fields.get("state_dict_metadata"), file, "state_dict_metadata");
        Map<?, ?> storage = map(md.fields.get("storage_data"), file, "storage_data");
        Map<String, Location> locations = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : storage.entrySet()) {
            if (!(e.getKey() instanceof PyObject idx) || !(e.getValue() instanceof PyObject info)) {
                throw new CheckpointFormatException(file + ": storage_data entry " + e.getKey() + " is not a "
                        + "(MetadataIndex, _StorageInfo) pair");
            }
            String fqn = String.valueOf(idx.fields.get("fqn"));
            Object off = idx.fields.get("offset");
            long[] offsets = off == null ? new long[0] : DcpUnpickler.integers(off, file + ": offset of " + fqn);
            Object transforms = info.fields.get("transform_descriptors");
            if (transforms instanceof List<?> l && !l.isEmpty() || transforms instanceof Object[] a && a.length > 0) {
                throw new CheckpointFormatException(file + ": tensor '" + fqn + "' is stored transformed ("
                        + DcpUnpickler.describe(transforms) + "); only plain distributed checkpoints can be read");
            }
            locations.put(chunkId(fqn, offsets), new Location(String.valueOf(info.fields.get("relative_path")),
                    DcpUnpickler.integer(info.fields.get("offset"), file + ": storage offset of " + fqn),
                    DcpUnpickler.integer(info.fields.get("length"), file + ": storage length of " + fqn)));
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Set<String> blobs = new LinkedHashSet<>();
        for (Map.Entry<?, ?> e : sdm.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (!(e.getValue() instanceof PyObject item)) {
                throw new CheckpointFormatException(file + ": entry '" + key + "' is " + e.getValue());
            }
            switch (item.simpleName()) {
                case "BytesStorageMetadata" -> blobs.add(key);
                case "TensorStorageMetadata" -> tensors.put(key, tensor(file, key, item, locations));
                default -> throw new CheckpointFormatException(file + ": entry '" + key + "' has unknown storage "
                        + "metadata " + item.type);
            }
        }
        return new DcpMetadata(file, Collections.unmodifiableMap(tensors), Collections.unmodifiableSet(blobs));
    }

    private static Tensor tensor(Path file, String key, PyObject item, Map<String, Location> locations)
            throws CheckpointFormatException {
        String what = file + ": tensor '" + key + "'";
        long[] size = DcpUnpickler.integers(item.fields.get("size"), what + " size");
        StorageType type = dtype(item.fields.get("properties"), what);
        Object chunkList = item.fields.get("chunks");
        if (!(chunkList instanceof List<?> cl) || cl.isEmpty()) {
            throw new CheckpointFormatException(what + " lists no chunks");
        }
        List<Chunk> chunks = new ArrayList<>();
        for (Object c : cl) {
            if (!(c instanceof PyObject chunk)) {
                throw new CheckpointFormatException(what + ": chunk " + c + " is not a ChunkStorageMetadata");
            }
            long[] offsets = DcpUnpickler.integers(chunk.fields.get("offsets"), what + " chunk offsets");
            long[] sizes = DcpUnpickler.integers(chunk.fields.get("sizes"), what + " chunk sizes");
            if (offsets.length != size.length || sizes.length != size.length) {
                throw new CheckpointFormatException(what + " of shape " + Arrays.toString(size) + " has a chunk at "
                        + Arrays.toString(offsets) + " of shape " + Arrays.toString(sizes));
            }
            for (int d = 0; d < size.length; d++) {
                if (offsets[d] < 0 || sizes[d] < 0 || offsets[d] + sizes[d] > size[d]) {
                    throw new CheckpointFormatException(what + " of shape " + Arrays.toString(size) + " has a chunk "
                            + "at " + Arrays.toString(offsets) + " of shape " + Arrays.toString(sizes)
                            + " that lies outside it");
                }
            }
            Location loc = locations.get(chunkId(key, offsets));
            if (loc == null) {
                throw new CheckpointFormatException(what + ": the chunk at " + Arrays.toString(offsets)
                        + " has no entry in storage_data (the index is incomplete)");
            }
            chunks.add(new Chunk(offsets, sizes, loc));
        }
        return new Tensor(key, type, size, List.copyOf(chunks));
    }

    private static StorageType dtype(Object properties, String what) throws CheckpointFormatException {
        Object dtype = null;
        if (properties instanceof PyObject p) {
            dtype = p.fields.get("dtype");
            if (dtype == null && p.state instanceof Object[] s && s.length > 0) {
                dtype = s[0];
            }
        }
        if (!(dtype instanceof TorchName name)) {
            throw new CheckpointFormatException(what + " has no dtype in its properties (" + properties + ")");
        }
        return switch (name.name()) {
            case "bfloat16" -> StorageType.BF16;
            case "float16", "half" -> StorageType.F16;
            case "float32", "float" -> StorageType.F32;
            case "float64", "double" -> StorageType.F64;
            case "int64", "long" -> StorageType.I64;
            case "int32", "int" -> StorageType.I32;
            case "uint8" -> StorageType.U8;
            case "bool" -> StorageType.BOOL;
            default -> throw new CheckpointFormatException(what + " has dtype torch." + name.name()
                    + ", which the workbench cannot read");
        };
    }

    private static Map<?, ?> map(Object o, Path file, String field) throws CheckpointFormatException {
        if (!(o instanceof Map<?, ?> m)) {
            throw new CheckpointFormatException(file + ": Metadata." + field + " is " + DcpUnpickler.describe(o)
                    + ", not a dict");
        }
        return m;
    }

    private static String chunkId(String fqn, long[] offsets) {
        return fqn + "@" + Arrays.toString(offsets);
    }
}
