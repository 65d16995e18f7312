package org.evo2wb.bio.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the bytes read through it (for progress, or to know where a parser stands); {@link #reset()} puts the count
 * back where {@link #mark(int)} left it. Nothing else is done to the bytes ({@link RawInput} also hashes them).
 */
public final class CountingInputStream extends FilterInputStream {

    private volatile long count;
    private long marked;

    public CountingInputStream(InputStream in) {
        super(in);
    }

    /** Bytes read so far. */
    public long count() {
        return count;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long s = super.skip(n);
        count += s;
        return s;
    }

    @Override
    public synchronized void mark(int readlimit) {
        super.mark(readlimit);
        marked = count;
    }

    @Override
    public synchronized void reset() throws IOException {
        super.reset();
        count = marked;
    }
}
