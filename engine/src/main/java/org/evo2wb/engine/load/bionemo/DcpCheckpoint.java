package org.evo2wb.engine.load.bionemo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.evo2wb.engine.checkpoint.ByteSource;
import org.evo2wb.engine.checkpoint.CheckpointFormatException;
import org.evo2wb.engine.checkpoint.FileByteSource;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.Integrity;
import org.evo2wb.engine.checkpoint.TensorInfo;
import org.evo2wb.engine.checkpoint.TorchCheckpoint;

/**
 * A PyTorch distributed checkpoint folder (an {@code iter_NNNNNNN} folder of Megatron Bridge), read tensor by tensor
 * in the names it was saved under.
 *
 * <p>Each chunk's bytes are a range of a {@code __R_N.distcp} shard ({@link DcpMetadata}): a {@code torch.save} zip
 * of the chunk (the default of {@code FileSystemWriter}), opened in place by {@link TorchCheckpoint} without running
 * pickle code, or the chunk's raw little-endian bytes. A tensor saved as one chunk is a memory-mapped slice of its
 * shard; one saved in several chunks (tensor parallelism) is assembled on the heap from its chunks.
 */
final class DcpCheckpoint implements NamedTensors {

    private final Path dir;
    private final DcpMetadata metadata;
    private final Integrity integrity;
    private final Map<String, FileByteSource> shards = new HashMap<>();

    private DcpCheckpoint(Path dir, DcpMetadata metadata, Integrity integrity) {
        this.dir = dir;
        this.metadata = metadata;
        this.integrity = integrity;
    }

    /** Reads the index of {@code dir}; shards are opened as their tensors are read. */
    static DcpCheckpoint open(Path dir, Integrity integrity) throws IOException {
        return new DcpCheckpoint(dir, DcpMetadata.read(dir), integrity);
    }

    @Override
    public String name() {
        return dir.toString();
    }

    /** Type and global shape of every tensor (byte blobs excluded), in index order. */
    @Override
    public Map<String, TensorInfo> infos() {
        Map<String, TensorInfo> out = new LinkedHashMap<>();
        metadata.tensors().forEach((k, t) -> out.put(k, new TensorInfo(t.type(), t.size())));
        return out;
    }

    /** One tensor, whole. */
    @Override
    public HostTensor tensor(String key) throws IOException {
        DcpMetadata.Tensor t = metadata.tensors().get(key);
        if (t == null) {
            throw new CheckpointFormatException(dir + ": no tensor '" + key + "' in .metadata"
                    + (metadata.blobs().contains(key) ? " (it is saved as a byte blob)" : ""));
        }
        if (t.chunks().size() == 1 && t.chunks().get(0).coversWhole(t.size())) {
            return chunk(t, t.chunks().get(0));
        }
        long numel = 1;
        for (long d : t.size()) {
            numel *= d;
        }
        int w = t.type().bytes();
        if (numel * w > Integer.MAX_VALUE) {
            throw new CheckpointFormatException(dir + ": tensor '" + key + "' in " + t.chunks().size()
                    + " chunks has " + numel * w + " bytes; chunked tensors over 2 GiB are not supported");
        }
        ByteBuffer out = ByteBuffer.allocate((int) (numel * w)).order(ByteOrder.LITTLE_ENDIAN);
        long covered = 0;
        for (DcpMetadata.Chunk c : t.chunks()) {
            HostTensor part = chunk(t, c);
            place(part.data(), c.offsets(), c.sizes(), t.size(), w, out);
            covered += part.numel();
        }
        if (covered != numel) {
            throw new CheckpointFormatException(dir + ": tensor '" + key + "' of shape " + Arrays.toString(t.size())
                    + " has chunks covering " + covered + " of its " + numel + " elements");
        }
        return new HostTensor(t.type(), t.size(), out);
    }

    private HostTensor chunk(DcpMetadata.Tensor t, DcpMetadata.Chunk c) throws IOException {
        DcpMetadata.Location loc = c.location();
        ByteSource shard = shard(loc.relativePath(), t.key());
        String name = shard.name() + " (tensor '" + t.key() + "'" + (c.coversWhole(t.size()) ? ""
                : ", chunk at " + Arrays.toString(c.offsets())) + ")";
        RangeByteSource range = new RangeByteSource(shard, loc.offset(), loc.length(), name);
        HostTensor part;
        if (loc.length() >= 4 && range.slice(0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt(0) == 0x04034b50) {
            try (TorchCheckpoint zip = TorchCheckpoint.open(range, integrity)) {
                part = zip.singleTensor();
            }
        } else {
            long need = 1;
            for (long s : c.sizes()) {
                need *= s;
            }
            need *= t.type().bytes();
            if (need != loc.length() || need > Integer.MAX_VALUE) {
                throw new CheckpointFormatException(name + ": " + loc.length() + " raw bytes, but a "
                        + t.type() + Arrays.toString(c.sizes()) + " chunk needs " + need);
            }
            part = new HostTensor(t.type(), c.sizes(), range.slice(0, (int) need));
        }
        if (part.type() != t.type() || !Arrays.equals(part.shape(), c.sizes())) {
            throw new CheckpointFormatException(name + ": holds " + part + " but the index says "
                    + t.type() + Arrays.toString(c.sizes()));
        }
        return part;
    }

    private synchronized ByteSource shard(String relativePath, String key) throws IOException {
        FileByteSource open = shards.get(relativePath);
        if (open != null) {
            return open;
        }
        if (relativePath.contains("/") || relativePath.contains("\\") || relativePath.startsWith(".")) {
            throw new CheckpointFormatException(metadata.file() + ": tensor '" + key + "' is stored in '"
                    + relativePath + "', outside the checkpoint folder");
        }
        Path file = dir.resolve(relativePath);
        if (!Files.isRegularFile(file)) {
            throw new CheckpointFormatException(file + ": missing; .metadata stores tensor '" + key + "' in it");
        }
        FileByteSource src = new FileByteSource(file);
        shards.put(relativePath, src);
        return src;
    }

    /** Copies a chunk (row-major, shape {@code sizes}) to its place at {@code offsets} in the whole tensor. */
    static void place(ByteBuffer chunk, long[] offsets, long[] sizes, long[] whole, int w, ByteBuffer out) {
        int nd = whole.length;
        if (nd == 0) {
            out.put(0, chunk.duplicate(), 0, w);
            return;
        }
        long[] stride = new long[nd];
        stride[nd - 1] = 1;
        for (int d = nd - 2; d >= 0; d--) {
            stride[d] = stride[d + 1] * whole[d + 1];
        }
        long rows = 1;
        for (int d = 0; d < nd - 1; d++) {
            rows *= sizes[d];
        }
        int run = (int) (sizes[nd - 1] * w);
        long[] idx = new long[nd];
        ByteBuffer src = chunk.duplicate();
        for (long r = 0; r < rows; r++) {
            long at = offsets[nd - 1];
            for (int d = 0; d < nd - 1; d++) {
                at += (offsets[d] + idx[d]) * stride[d];
            }
            out.put((int) (at * w), src, (int) (r * run), run);
            for (int d = nd - 2; d >= 0; d--) {
                if (++idx[d] < sizes[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
    }

    @Override
    public synchronized void close() throws IOException {
        IOException first = null;
        for (FileByteSource s : shards.values()) {
            try {
                s.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        shards.clear();
        if (first != null) {
            throw first;
        }
    }
}
