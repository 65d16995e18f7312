package org.evo2wb.engine.task;

import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A long-running piece of engine work (loading, scoring, training) that reports progress as plain counters and
 * stops cooperatively.
 *
 * <p>The work polls {@link #checkCancelled()} at safe points (between batches or steps) and updates
 * {@link #progress(long, long)} and {@link #message(String)}. Observers (the workbench polls on a ~250 ms timer, the
 * CLI draws a progress bar) read the counters from any thread; the task never calls into a UI toolkit.
 *
 * @param <T> the result type
 */
public abstract class EngineTask<T> {

    private final String title;
    private final AtomicReference<TaskStatus> status = new AtomicReference<>(TaskStatus.WAITING);
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong total = new AtomicLong(-1);
    private final AtomicReference<String> message = new AtomicReference<>("");
    private final CompletableFuture<T> result = new CompletableFuture<>();
    private volatile boolean cancelRequested;
    private volatile long startNanos;
    private volatile long endNanos;

    protected EngineTask(String title) {
        this.title = Objects.requireNonNull(title);
    }

    /** The work itself. Throw {@link CancellationException} (via {@link #checkCancelled()}) to stop early. */
    protected abstract T call() throws Exception;

    /** Runs the task on the calling thread; the outcome is in {@link #result()} and {@link #status()}. */
    public final void run() {
        if (!status.compareAndSet(TaskStatus.WAITING, TaskStatus.RUNNING)) {
            throw new IllegalStateException("task already started: " + title);
        }
        startNanos = System.nanoTime();
        try {
            if (cancelRequested) {
                throw new CancellationException();
            }
            T value = call();
            endNanos = System.nanoTime();
            status.set(TaskStatus.FINISHED);
            result.complete(value);
        } catch (CancellationException e) {
            endNanos = System.nanoTime();
            status.set(TaskStatus.CANCELLED);
            message.set("Cancelled");
            result.completeExceptionally(e);
        } catch (Throwable e) {
            endNanos = System.nanoTime();
            status.set(TaskStatus.FAILED);
            message.set(describe(e));
            result.completeExceptionally(e);
        }
    }

    /** A one-line description of a failure for a user: the exception's message, or its type when it has none. */
    public static String describe(Throwable e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof OutOfMemoryError) {
            return "Out of memory: " + t.getMessage();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    /** Asks the task to stop at its next safe point. */
    public void cancel() {
        cancelRequested = true;
    }

    public boolean isCancelRequested() {
        return cancelRequested;
    }

    /** Throws {@link CancellationException} if cancellation was requested. */
    protected void checkCancelled() {
        if (cancelRequested) {
            throw new CancellationException(title + " cancelled");
        }
    }

    /** Sets the progress counters; {@code total < 0} means unknown. */
    protected void progress(long doneUnits, long totalUnits) {
        done.set(doneUnits);
        total.set(totalUnits);
    }

    protected void message(String text) {
        message.set(text == null ? "" : text);
    }

    public String title() {
        return title;
    }

    public TaskStatus status() {
        return status.get();
    }

    public long done() {
        return done.get();
    }

    /** Total units, or -1 when unknown. */
    public long total() {
        return total.get();
    }

    /** Fraction done in [0, 1], or -1 when the total is unknown. */
    public double fraction() {
        long t = total.get();
        return t <= 0 ? -1 : Math.min(1.0, (double) done.get() / t);
    }

    public String message() {
        return message.get();
    }

    /** Seconds since the task started (until it ended), 0 before it starts. */
    public double elapsedSeconds() {
        long s = startNanos;
        if (s == 0) {
            return 0;
        }
        long e = endNanos == 0 ? System.nanoTime() : endNanos;
        return (e - s) / 1e9;
    }

    /** Completes with the value, or exceptionally with the failure or a {@link CancellationException}. */
    public CompletableFuture<T> result() {
        return result;
    }
}
