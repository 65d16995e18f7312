package org.evo2wb.engine.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file so that it is either complete or absent: the content goes to a temporary file next to the target,
 * which replaces the target only after it was written and closed. A failure or a cancellation
 * ({@link java.util.concurrent.CancellationException} thrown by the writer) leaves the old target untouched and no
 * temporary file behind.
 */
public final class AtomicFiles {

    private AtomicFiles() {
    }

    /** Writes binary content. */
    @FunctionalInterface
    public interface StreamContent {
        void write(OutputStream out) throws IOException;
    }

    /** Writes text content. */
    @FunctionalInterface
    public interface TextContent {
        void write(Writer out) throws IOException;
    }

    /** A new empty file next to the target, with the default permissions (unlike createTempFile's 0600). */
    private static Path temporary(Path dir, String name) throws IOException {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; ; attempt++) {
            Path p = dir.resolve("." + name + "." + Long.toHexString(r.nextLong() & Long.MAX_VALUE) + ".part");
            try {
                return Files.createFile(p);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }

    /** Writes UTF-8 text to {@code target} atomically. */
    public static void writeText(Path target, TextContent content) throws IOException {
        write(target, out -> {
            Writer w = new BufferedWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            content.write(w);
            w.flush();
        });
    }

    /** Writes bytes to {@code target} atomically. */
    public static void write(Path target, StreamContent content) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = temporary(dir, abs.getFileName().toString());
        boolean done = false;
        try {
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                content.write(out);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }
}
