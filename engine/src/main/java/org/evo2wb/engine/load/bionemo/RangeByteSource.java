package org.evo2wb.engine.load.bionemo;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.evo2wb.engine.checkpoint.ByteSource;
import org.evo2wb.engine.checkpoint.CheckpointFormatException;

/**
 * A byte range of a larger source, seen as a source of its own: one {@code torch.save} stream inside a
 * {@code .distcp} shard. Slices are slices of the underlying source (memory-mapped where it maps); closing the range
 * leaves the shard open, since its other tensors share it.
 */
final class RangeByteSource implements ByteSource {

    private final ByteSource whole;
    private final long start;
    private final long length;
    private final String name;

    RangeByteSource(ByteSource whole, long start, long length, String name) throws CheckpointFormatException {
        if (start < 0 || length < 0 || start + length > whole.size()) {
            throw new CheckpointFormatException(name + ": bytes " + start + ".." + (start + length) + " lie outside "
                    + whole.name() + " (" + whole.size() + " bytes); the shard is truncated or the index is wrong");
        }
        this.whole = whole;
        this.start = start;
        this.length = length;
        this.name = name;
    }

    @Override
    public long size() {
        return length;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ByteBuffer slice(long position, int len) throws IOException {
        if (position < 0 || len < 0 || position + len > length) {
            throw new CheckpointFormatException(name + ": read of " + len + " bytes at offset " + position
                    + " runs past the end of its " + length + " bytes");
        }
        return whole.slice(start + position, len);
    }

    @Override
    public void close() {
        // the shard stays open for the checkpoint's other tensors
    }
}
