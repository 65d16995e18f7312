package org.evo2wb.app.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.evo2wb.engine.task.EngineTask;
import org.evo2wb.engine.task.TaskStatus;

/**
 * Runs an engine task for a command: the task works on its own thread while this one shows its progress on stderr
 * (one line redrawn in place on a terminal; a line every {@value #QUIET_PERIOD_MS} ms otherwise, so logs stay
 * short), and Ctrl-C asks the task to stop at its next safe point and waits for it (a fine-tuning run saves its
 * checkpoint first).
 */
final class TaskConsole {

    private static final long LIVE_PERIOD_MS = 250;
    private static final long QUIET_PERIOD_MS = 10_000;
    /** How long Ctrl-C waits for the task to stop cleanly. */
    private static final long STOP_WAIT_MS = 10 * 60_000;

    private TaskConsole() {
    }

    /** True when stderr is a terminal that can redraw a line. */
    static boolean live() {
        return System.console() != null;
    }

    /** Runs with the task's own counters and message as the progress line. */
    static <T> T run(EngineTask<T> task, PrintWriter err) throws Exception {
        return run(task, err, () -> line(task));
    }

    /**
     * Runs {@code task}, drawing {@code status} while it works (nothing when null: the task draws its own).
     *
     * @return the task's result
     * @throws CancellationException when it was cancelled
     * @throws Exception the task's failure
     */
    static <T> T run(EngineTask<T> task, PrintWriter err, Supplier<String> status) throws Exception {
        Thread worker = new Thread(task::run, "evo2wb-" + task.title());
        Thread hook = new Thread(() -> {
            task.cancel();
            try {
                worker.join(STOP_WAIT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "evo2wb-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean live = live();
        long period = live ? LIVE_PERIOD_MS : QUIET_PERIOD_MS;
        int drawn = 0;
        try {
            worker.start();
            while (worker.isAlive()) {
                worker.join(period);
                if (worker.isAlive() && status != null) {
                    drawn = draw(err, status.get(), drawn, live);
                }
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it waits for the worker
            }
        }
        if (drawn > 0 && status != null && task.status() == TaskStatus.FINISHED) {
            draw(err, status.get(), drawn, live);             // the last line reads 100 %, not the last poll's figure
            if (live) {
                err.println();
            }
            err.flush();
        } else if (live && drawn > 0) {
            err.print('\r' + " ".repeat(drawn) + '\r');
            err.flush();
        }
        if (task.status() == TaskStatus.FINISHED) {
            return task.result().get();
        }
        try {
            task.result().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw (Error) e.getCause();
        }
        throw new CancellationException(task.title() + " cancelled");
    }

    private static int draw(PrintWriter err, String text, int previous, boolean live) {
        if (live) {
            err.print('\r' + text + " ".repeat(Math.max(0, previous - text.length())));
        } else {
            err.println(text);
        }
        err.flush();
        return text.length();
    }

    /** {@code Title: 45% (1,234 of 2,718) 12s}. */
    static String line(EngineTask<?> task) {
        double f = task.fraction();
        String figures = f < 0 ? "" : String.format(Locale.ROOT, " %3.0f%% (%,d of %,d)", 100 * f, task.done(),
                task.total());
        return task.title() + ":" + figures + " " + duration(task.elapsedSeconds());
    }

    /** {@code 45s}, {@code 3m12s}, {@code 2h05m}. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s";
        }
        return (s / 3600) + "h" + String.format(Locale.ROOT, "%02d", (s % 3600) / 60) + "m";
    }
}
