package org.evo2wb.engine.checkpoint;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Random access to the bytes of a checkpoint without loading it onto the heap: one file, or byte shards
 * ({@code name.pt.part0}, {@code .part1}, …) seen as their concatenation.
 */
public interface ByteSource extends Closeable {

    /** Total length in bytes. */
    long size();

    /** Name used in error messages (the file, or the first shard with a part count). */
    String name();

    /**
     * A read-only little-endian view of {@code length} bytes at {@code position}. Memory-mapped when the range lies
     * inside one file; copied onto the heap only when it spans two shards.
     */
    ByteBuffer slice(long position, int length) throws IOException;

    /** Reads exactly {@code length} bytes at {@code position} into a new array. */
    default byte[] read(long position, int length) throws IOException {
        ByteBuffer b = slice(position, length);
        byte[] out = new byte[length];
        b.get(out);
        return out;
    }
}
