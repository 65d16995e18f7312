package org.evo2wb.engine.task;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs engine tasks on background daemon threads. Inference tasks must turn DJL's grad mode off themselves: a new
 * thread starts with it on.
 */
public final class TaskRunner implements AutoCloseable {

    private final ExecutorService pool;

    public TaskRunner(int threads) {
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "evo2wb-engine-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the task in the background and returns it, for polling. */
    public <T, K extends EngineTask<T>> K submit(K task) {
        pool.execute(task::run);
        return task;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
