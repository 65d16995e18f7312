package org.evo2wb.engine.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Byte shards {@code name.pt.part0, name.pt.part1, …} read as the single file their concatenation would be, without
 * writing that file. A slice inside one shard is mapped from it; a slice crossing a shard boundary is copied.
 */
public final class ConcatenatedByteSource implements ByteSource {

    private final List<FileByteSource> parts;
    /** starts[i] = offset of part i in the concatenation; starts[n] = total size. */
    private final long[] starts;
    private final String name;

    public ConcatenatedByteSource(List<Path> partFiles) throws IOException {
        if (partFiles.isEmpty()) {
            throw new IllegalArgumentException("no shard files");
        }
        parts = new ArrayList<>();
        starts = new long[partFiles.size() + 1];
        try {
            for (int i = 0; i < partFiles.size(); i++) {
                FileByteSource p = new FileByteSource(partFiles.get(i));
                parts.add(p);
                starts[i + 1] = starts[i] + p.size();
            }
        } catch (IOException e) {
            close();
            throw e;
        }
        name = partFiles.get(0) + (partFiles.size() > 1 ? " (+" + (partFiles.size() - 1) + " more shards)" : "");
    }

    /**
     * The shards belonging to {@code anyPart} ({@code x.pt.partK}): {@code x.pt.part0, x.pt.part1, …} in numeric
     * order, which must be consecutive from 0.
     */
    public static List<Path> shardsOf(Path anyPart) throws IOException {
        String file = anyPart.getFileName().toString();
        int idx = file.lastIndexOf(".part");
        if (idx < 0) {
            throw new CheckpointFormatException(anyPart + ": not a shard name (expected <name>.partN)");
        }
        String stem = file.substring(0, idx + ".part".length());
        Path dir = anyPart.toAbsolutePath().getParent();
        List<Path> out = new ArrayList<>();
        for (int k = 0; ; k++) {
            Path p = dir.resolve(stem + k);
            if (!Files.isRegularFile(p)) {
                break;
            }
            out.add(p);
        }
        if (out.isEmpty()) {
            throw new CheckpointFormatException(anyPart + ": shard " + stem + "0 is missing");
        }
        try (var listing = Files.list(dir)) {
            int found = out.size();
            long higher = listing.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(stem) && n.substring(stem.length()).matches("\\d+"))
                    .filter(n -> Integer.parseInt(n.substring(stem.length())) >= found).count();
            if (higher > 0) {
                throw new CheckpointFormatException(anyPart + ": shard " + stem + found
                        + " is missing but higher-numbered shards exist");
            }
        }
        return out;
    }

    @Override
    public long size() {
        return starts[starts.length - 1];
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ByteBuffer slice(long position, int length) throws IOException {
        if (position < 0 || length < 0 || position + length > size()) {
            throw new CheckpointFormatException(name + ": read of " + length + " bytes at offset " + position
                    + " runs past the end of the shards (" + size() + " bytes); a shard is missing or truncated");
        }
        int i = partIndex(position);
        long local = position - starts[i];
        if (local + length <= parts.get(i).size()) {
            return parts.get(i).slice(local, length);
        }
        ByteBuffer out = ByteBuffer.allocate(length);
        long pos = position;
        while (out.hasRemaining()) {
            int k = partIndex(pos);
            long off = pos - starts[k];
            int n = (int) Math.min(out.remaining(), parts.get(k).size() - off);
            out.put(parts.get(k).slice(off, n));
            pos += n;
        }
        return out.flip().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    private int partIndex(long position) {
        int lo = 0;
        int hi = parts.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (starts[mid] <= position) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        // skip empty parts
        while (lo < parts.size() - 1 && starts[lo + 1] <= position) {
            lo++;
        }
        return lo;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (FileByteSource p : parts) {
            try {
                p.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
