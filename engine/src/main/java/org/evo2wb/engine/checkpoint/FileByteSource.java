package org.evo2wb.engine.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** One file read through {@link FileChannel#map}: each slice is its own mapping of at most 2 GiB. */
public final class FileByteSource implements ByteSource {

    /** Slices below this size are read into the heap; mapping costs a system call and a page-aligned region. */
    private static final int MAP_THRESHOLD = 64 * 1024;

    private final Path path;
    private final FileChannel channel;
    private final long size;

    public FileByteSource(Path path) throws IOException {
        this.path = path;
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        this.size = channel.size();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public String name() {
        return path.toString();
    }

    public Path path() {
        return path;
    }

    @Override
    public ByteBuffer slice(long position, int length) throws IOException {
        if (position < 0 || length < 0 || position + length > size) {
            throw new CheckpointFormatException(path + ": read of " + length + " bytes at offset " + position
                    + " runs past the end of the file (" + size + " bytes); the file is truncated or corrupt");
        }
        if (length < MAP_THRESHOLD) {
            ByteBuffer b = ByteBuffer.allocate(length);
            while (b.hasRemaining()) {
                int n = channel.read(b, position + b.position());
                if (n < 0) {
                    throw new CheckpointFormatException(path + ": unexpected end of file at offset " + (position + b.position()));
                }
            }
            return b.flip().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
        return channel.map(FileChannel.MapMode.READ_ONLY, position, length).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
