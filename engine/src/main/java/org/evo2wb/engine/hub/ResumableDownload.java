package org.evo2wb.engine.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.evo2wb.engine.io.AtomicFiles;

/**
 * Downloads one file so that nothing unverified ever carries its name: the bytes go to a hidden sibling
 * {@code .NAME.incomplete}, which is renamed to {@code NAME} only after its checksum matches the published one. An
 * interrupted download resumes: the bytes already in the {@code .incomplete} file are hashed, and the rest is asked
 * for with a byte range (a server that ignores ranges sends the whole file again, which is then started over). Cut
 * connections, server errors and stalls are tried again after a pause ({@link RetryPolicy}); when the tries run out,
 * the message names the file, what was kept and what to do. A checksum mismatch deletes the bad bytes and says so.
 * Cancelling keeps the {@code .incomplete} file for the next try.
 */
public final class ResumableDownload {

    /** Where the bytes come from: a response from byte {@code offset} on. */
    @FunctionalInterface
    public interface Source {
        HubClient.Body open(long offset) throws IOException;
    }

    /** Hears of the bytes as they arrive. */
    public interface Listener {
        /** Bytes found already downloaded and hashed (0 when starting afresh). */
        default void resumed(long bytes) {}

        /** {@code delta} more bytes written (negative when a server ignored the range and the file restarts). */
        void transferred(long delta);

        /** A try failed and another follows after a pause. */
        default void retrying(String message) {}
    }

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "evo2wb-download-watchdog");
        t.setDaemon(true);
        return t;
    });

    private ResumableDownload() {}

    /** The hidden sibling a download of {@code target} is written to. */
    public static Path incomplete(Path target) {
        return target.resolveSibling("." + target.getFileName() + ".incomplete");
    }

    /**
     * Downloads {@code size} bytes from {@code source} into {@code target}.
     *
     * @param expected the published checksum (hex, {@code kind}); empty to only record the SHA-256
     * @return the checksum of the file (hex), equal to {@code expected} when that was given
     * @throws ChecksumMismatchException when the bytes do not match (the {@code .incomplete} file is deleted)
     * @throws CancellationException when {@code cancelled} turned true (the {@code .incomplete} file is kept)
     */
    public static String fetch(Source source, Path target, long size, String expected, Digests kind,
                               RetryPolicy policy, Listener listener, BooleanSupplier cancelled) throws IOException {
        Path part = incomplete(target);
        Files.createDirectories(target.toAbsolutePath().getParent());
        String name = target.getFileName().toString();
        MessageDigest md = kind.start(size);
        long have = 0;
        if (Files.exists(part)) {
            long n = Files.size(part);
            if (n > size) {
                Files.delete(part);
            } else {
                Digests.update(md, part, n, d -> {
                    if (cancelled.getAsBoolean()) {
                        throw new CancellationException("download of " + name + " cancelled");
                    }
                });
                have = n;
                listener.resumed(n);
            }
        }
        int failures = 0;
        while (have < size || !Files.exists(part)) {
            if (cancelled.getAsBoolean()) {
                throw new CancellationException("download of " + name + " cancelled");
            }
            long before = have;
            try {
                HubClient.Body body = source.open(have);
                if (body.status() == 200 && have > 0) {
                    listener.transferred(-have);
                    md = kind.start(size);
                    have = 0;
                }
                long[] at = {have};
                try {
                    copy(body, part, at, size, md, name, policy, listener, cancelled);
                } finally {
                    have = at[0];
                }
                if (have < size) {
                    throw new IOException("the connection closed after " + have + " of " + size + " bytes");
                }
            } catch (HubException e) {
                if (!e.transientFailure()) {
                    throw e;
                }
                failures = failed(e, name, part, have, size, have > before ? 1 : failures + 1, policy, listener,
                        cancelled);
            } catch (IOException e) {
                failures = failed(e, name, part, have, size, have > before ? 1 : failures + 1, policy, listener,
                        cancelled);
            }
        }
        String got = HexFormat.of().formatHex(md.digest());
        if (!expected.isEmpty() && !got.equalsIgnoreCase(expected)) {
            Files.deleteIfExists(part);
            throw new ChecksumMismatchException(String.format(Locale.ROOT,
                    "%s is damaged: its %s is %s, not the published %s. The downloaded bytes were deleted; run the "
                            + "download again to fetch the file anew.", name, kind.label(), got,
                    expected.toLowerCase(Locale.ROOT)));
        }
        AtomicFiles.fsync(part);
        try {
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
        }
        AtomicFiles.fsyncDirectory(target.toAbsolutePath().getParent());
        return got;
    }

    /** Counts a failed try; throws when the tries are used up, else waits its pause. */
    private static int failed(IOException e, String name, Path part, long have, long size, int failures,
                              RetryPolicy policy, Listener listener, BooleanSupplier cancelled) throws IOException {
        String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        if (failures > policy.retries()) {
            throw new IOException(String.format(Locale.ROOT, "Downloading %s failed after %d tries (%s). %s", name,
                    failures, why, have > 0 ? String.format(Locale.ROOT, "The %,d of %,d bytes downloaded so far "
                            + "are kept in %s; run the download again to resume from there.", have, size,
                            part.getFileName())
                            : "Check the network connection (and the proxy settings), then run the download again."),
                    e);
        }
        long waitMs = policy.delay(failures).toMillis();
        listener.retrying(String.format(Locale.ROOT, "%s: %s; trying again in %.0f s (try %d of %d)", name, why,
                waitMs / 1000.0, failures + 1, policy.retries() + 1));
        long end = System.nanoTime() + waitMs * 1_000_000;
        while (System.nanoTime() < end) {
            if (cancelled.getAsBoolean()) {
                throw new CancellationException("download of " + name + " cancelled");
            }
            try {
                Thread.sleep(Math.min(100, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("download of " + name + " interrupted");
            }
        }
        return failures;
    }

    /**
     * Appends the body's bytes to {@code part} from {@code have} on. A watchdog closes the body when nothing arrives
     * for the stall timeout or when cancelled, so a silent connection cannot hold the download forever.
     *
     * @param have the bytes in {@code part} before, and after (also when the copy fails)
     */
    private static void copy(HubClient.Body body, Path part, long[] have, long size, MessageDigest md, String name,
                             RetryPolicy policy, Listener listener, BooleanSupplier cancelled) throws IOException {
        long[] lastByte = {System.nanoTime()};
        boolean[] stalled = {false};
        InputStream in = body.body();
        long stallNs = policy.stallTimeout().toNanos();
        ScheduledFuture<?> watch = WATCHDOG.scheduleAtFixedRate(() -> {
            boolean quiet = System.nanoTime() - lastByte[0] > stallNs;
            if (quiet || cancelled.getAsBoolean()) {
                stalled[0] = quiet;
                try {
                    in.close();
                } catch (IOException ignored) {
                    // closing is how the read is stopped
                }
            }
        }, 100, 100, TimeUnit.MILLISECONDS);
        long at = have[0];
        try (in; FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            out.truncate(at);
            out.position(at);
            byte[] buf = new byte[1 << 20];
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (IOException e) {
                    if (cancelled.getAsBoolean()) {
                        throw new CancellationException("download of " + name + " cancelled");
                    }
                    if (stalled[0]) {
                        throw new IOException("no data for " + policy.stallTimeout().toSeconds() + " s", e);
                    }
                    throw e;
                }
                if (n < 0) {
                    break;
                }
                if (at + n > size) {
                    throw new HubException(0, "the server sent more than the " + size + " bytes of " + name);
                }
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                while (bb.hasRemaining()) {
                    out.write(bb);
                }
                md.update(buf, 0, n);
                at += n;
                have[0] = at;
                lastByte[0] = System.nanoTime();
                listener.transferred(n);
                if (cancelled.getAsBoolean()) {
                    throw new CancellationException("download of " + name + " cancelled");
                }
            }
        } finally {
            watch.cancel(false);
        }
    }
}
