package org.evo2wb.engine.hub;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The checksums a download is verified against: SHA-256 of the bytes (the Hub's large files, the libtorch archive),
 * or the git blob id of the Hub's small files (SHA-1 of {@code "blob <size>\0"} followed by the bytes).
 */
public enum Digests {
    SHA256("SHA-256"),
    GIT_BLOB("SHA-1");

    private final String algorithm;

    Digests(String algorithm) {
        this.algorithm = algorithm;
    }

    /** "SHA-256" or "git blob id". */
    public String label() {
        return this == SHA256 ? "SHA-256" : "git blob id";
    }

    /** A fresh digest for a file of {@code size} bytes. */
    public MessageDigest start(long size) {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            if (this == GIT_BLOB) {
                md.update(("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
            }
            return md;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The kind of a published checksum: 64 hex digits are a SHA-256, 40 a git blob id. */
    public static Digests of(String hex) {
        return hex.length() == 40 ? GIT_BLOB : SHA256;
    }

    /** Feeds the first {@code length} bytes of {@code file} into {@code md}, calling {@code read} per chunk. */
    static void update(MessageDigest md, Path file, long length, java.util.function.LongConsumer read)
            throws IOException {
        byte[] buf = new byte[1 << 20];
        long left = length;
        try (InputStream in = Files.newInputStream(file)) {
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new IOException(file + " is shorter than " + length + " bytes");
                }
                md.update(buf, 0, n);
                left -= n;
                read.accept(n);
            }
        }
    }
}
