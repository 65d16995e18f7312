package org.evo2wb.engine.io;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Writes that a crash cannot leave half done: write a temporary sibling, force it to disk, rename it over the
 * target, force the directory. A reader sees the old file or the new one, never a mixture.
 */
public final class AtomicFiles {

    private AtomicFiles() {
    }

    /** Something that writes a file at the path it is given. */
    @FunctionalInterface
    public interface FileWriter {
        void write(Path file) throws IOException;
    }

    /**
     * Writes {@code target} through a temporary sibling. A refused write (a full disk, a read-only folder) is told
     * naming {@code target} ({@link OutputFiles#failure}) and leaves the old target as it was and no temporary file.
     */
    public static void write(Path target, FileWriter writer) throws IOException {
        Path tmp = temporarySibling(target);
        try {
            writer.write(tmp);
            fsync(tmp);
            move(tmp, target);
            fsyncDirectory(target.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw OutputFiles.isWriteFailure(e) ? OutputFiles.failure(target, e) : e;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes binary content to a stream. */
    @FunctionalInterface
    public interface StreamContent {
        void write(OutputStream out) throws IOException;
    }

    /** Writes text content. */
    @FunctionalInterface
    public interface TextContent {
        void write(Writer out) throws IOException;
    }

    /**
     * Writes bytes to {@code target} atomically (parent folders created). A failure or a cancellation thrown by
     * the content leaves the old target untouched and no temporary file behind.
     */
    public static void writeStream(Path target, StreamContent content) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        write(target.toAbsolutePath(), f -> {
            try (OutputStream out = new BufferedOutputStream(OutputFiles.newOutputStream(f), 1 << 16)) {
                content.write(out);
            }
        });
    }

    /** Writes UTF-8 text to {@code target} atomically, like {@link #writeStream}. */
    public static void writeText(Path target, TextContent content) throws IOException {
        writeStream(target, out -> {
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            content.write(w);
            w.flush();
        });
    }

    public static void writeString(Path target, String text) throws IOException {
        write(target, f -> OutputFiles.writeString(f, text));
    }

    /** Renames a fully written directory into place (its files must already be synced). */
    public static void publishDirectory(Path tmpDir, Path target) throws IOException {
        fsyncDirectory(tmpDir);
        try {
            move(tmpDir, target);
        } catch (IOException e) {
            throw OutputFiles.isWriteFailure(e) ? OutputFiles.failure(target, e) : e;
        }
        fsyncDirectory(target.toAbsolutePath().getParent());
    }

    /**
     * Puts a fully written directory {@code fresh} in place of {@code target}: the old one is renamed to a hidden
     * {@code .<name>.old} sibling, the new one renamed in, the old one deleted. After a crash in between, the old
     * one is still there under its hidden name (readers may fall back to it).
     */
    public static void replaceDirectory(Path fresh, Path target) throws IOException {
        Path old = oldSibling(target);
        deleteTree(old);
        if (Files.exists(target)) {
            Files.move(target, old);
        }
        publishDirectory(fresh, target);
        deleteTree(old);
    }

    /** Where {@link #replaceDirectory} keeps the previous directory while it swaps. */
    public static Path oldSibling(Path target) {
        return target.resolveSibling("." + target.getFileName() + ".old");
    }

    /** A hidden, unique sibling name for writing {@code target} before it is renamed into place. */
    public static Path temporarySibling(Path target) {
        return target.resolveSibling("." + target.getFileName() + ".tmp-" + Long.toHexString(
                ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE));
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    public static void fsync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** Forces a directory entry change to disk (a no-op where the platform cannot open directories). */
    public static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Windows cannot open a directory; renames there are durable enough for our purpose.
        }
    }

    /** Deletes a directory tree (used for old checkpoints and abandoned temporary directories). */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
