package org.evo2wb.engine.io;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * The one place where the workbench opens a file to write it (checkpoints, run records and metrics, exported models
 * and tracks), so that a full disk or a read-only folder can be put in its way by the robustness tests
 * ({@link #using}), and so that every such failure is told the same way: {@link #failure} names the file and says
 * what happened in the user's words.
 */
public final class OutputFiles {

    /** Opens a file for writing. */
    @FunctionalInterface
    public interface Opener {
        FileChannel open(Path file, Set<OpenOption> options) throws IOException;
    }

    private static final Opener PLATFORM = FileChannel::open;
    private static volatile Opener opener = PLATFORM;

    private OutputFiles() {
    }

    /** Opens {@code file} for writing with these options (through the opener in use). */
    public static FileChannel open(Path file, OpenOption... options) throws IOException {
        return opener.open(file, Set.of(options));
    }

    /** A new or truncated file as a stream (not buffered). */
    public static OutputStream newOutputStream(Path file) throws IOException {
        return Channels.newOutputStream(open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING));
    }

    /** A UTF-8 writer appending to {@code file} (created if missing). */
    public static Writer newAppendingWriter(Path file) throws IOException {
        return Channels.newWriter(open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND), StandardCharsets.UTF_8);
    }

    /** Writes {@code text} as UTF-8 to a new or truncated file. */
    public static void writeString(Path file, String text) throws IOException {
        try (OutputStream out = newOutputStream(file)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Restores the platform's opener when closed. */
    public interface Restore extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Opens files with {@code o} until the returned handle is closed (for tests that simulate a full disk or a
     * read-only folder; one at a time, process-wide).
     */
    public static Restore using(Opener o) {
        opener = o;
        return () -> opener = PLATFORM;
    }

    /**
     * The failure to write {@code target} told for the user: "could not write FILE: the disk is full", "... the
     * folder is read-only", or the system's reason. A failure that already names {@code target} is returned as it
     * is, so nested writes are not told twice.
     */
    public static IOException failure(Path target, IOException e) {
        String name = target.toString();
        if (e.getMessage() != null && e.getMessage().startsWith("could not write ")) {
            return e;
        }
        return new IOException("could not write " + name + ": " + reason(e), e);
    }

    /**
     * Whether {@code e} is the file system refusing a write (a full disk, a read-only or foreign folder, a missing
     * folder…), as opposed to a failure of the content being written (a bad input record), which keeps its own
     * message.
     */
    public static boolean isWriteFailure(IOException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        return e instanceof FileSystemException || m.contains("No space left on device")
                || m.contains("Disk quota exceeded") || m.contains("Read-only file system");
    }

    /** The reason of a failed write in the user's words. */
    static String reason(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file or folder: " + e.getMessage();
        }
        String m = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
        String text = m == null ? "" : m;
        if (text.contains("No space left on device") || text.contains("Disk quota exceeded")) {
            return "the disk is full (" + text + "); free some space and try again — nothing half-written was left";
        }
        if (text.contains("Read-only file system")) {
            return "the disk is read-only (" + text + "); choose a folder you can write to";
        }
        if (e instanceof AccessDeniedException || text.contains("Permission denied")) {
            return "permission denied: the folder is read-only or not yours; choose a folder you can write to";
        }
        return text.isEmpty() ? e.getClass().getSimpleName() : text;
    }
}
