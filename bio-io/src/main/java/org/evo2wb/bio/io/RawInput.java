package org.evo2wb.bio.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The file's bytes as stored on disk: counts them for progress and hashes them (SHA-256) for run manifests. Read
 * errors of the disk are wrapped in {@link DiskReadException} so that they are never mistaken for corrupt
 * compressed data.
 */
public final class RawInput extends FilterInputStream {

    private final MessageDigest sha256;
    private long count;

    public RawInput(InputStream in) {
        super(in);
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** Bytes consumed so far. */
    public long count() {
        return count;
    }

    /** Reads what is left of the file (so the hash covers all of it) and returns the hex SHA-256. */
    public String finishSha256() throws IOException {
        byte[] buf = new byte[1 << 16];
        while (read(buf, 0, buf.length) >= 0) {
            // drain: a decompressor may stop before the end of the file (padding after the last member)
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    @Override
    public int read() throws IOException {
        int b;
        try {
            b = in.read();
        } catch (IOException e) {
            throw new DiskReadException(e);
        }
        if (b >= 0) {
            count++;
            sha256.update((byte) b);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n;
        try {
            n = in.read(b, off, len);
        } catch (IOException e) {
            throw new DiskReadException(e);
        }
        if (n > 0) {
            count += n;
            sha256.update(b, off, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // skipping would leave bytes out of the hash: read them instead
        byte[] buf = new byte[(int) Math.min(n, 8192)];
        int r = read(buf, 0, buf.length);
        return Math.max(r, 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** An I/O error of the underlying file (not of its content). */
    public static final class DiskReadException extends IOException {
        DiskReadException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
