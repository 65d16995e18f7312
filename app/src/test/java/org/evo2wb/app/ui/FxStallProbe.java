package org.evo2wb.app.ui;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.application.Platform;

/**
 * Measures how long the FX thread is kept busy: a probe posted every few milliseconds (the next only after the last
 * ran) reads the FX thread's CPU time and the time it spent blocked on locks. Between two consecutive probes the FX
 * thread ran whatever events were queued; CPU plus blocked time between them bounds the longest single piece of FX
 * work from above, independent of how busy the other cores are. The wall-clock delay of each probe is kept too; on a
 * loaded machine it also counts time the operating system gave to other threads.
 */
public final class FxStallProbe implements AutoCloseable {

    /** What was measured. Times in milliseconds. */
    public record Figures(int probes, double maxBusyMs, double maxDelayMs, double meanDelayMs) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%d probes; longest FX work %.1f ms (CPU + blocked); "
                    + "probe delay max %.1f ms, mean %.2f ms", probes, maxBusyMs, maxDelayMs, meanDelayMs);
        }
    }

    private static final long PERIOD_MS = 1;

    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread poster;
    private final Object lock = new Object();
    private long lastCpu = -1;
    private long lastBlocked = -1;
    private int probes;
    private long maxBusyNs;
    private long maxDelayNs;
    private long sumDelayNs;
    private boolean measuring;

    public FxStallProbe() {
        if (!mx.isCurrentThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM cannot measure thread CPU time");
        }
        if (mx.isThreadContentionMonitoringSupported()) {
            mx.setThreadContentionMonitoringEnabled(true);
        }
        poster = new Thread(this::post, "fx-stall-probe");
        poster.setDaemon(true);
        poster.start();
    }

    /** Starts counting (earlier probes only set the baseline). */
    public void startMeasuring() {
        synchronized (lock) {
            measuring = true;
            lastCpu = -1;
        }
    }

    private void post() {
        while (running.get()) {
            AtomicBoolean ran = new AtomicBoolean();
            long posted = System.nanoTime();
            Platform.runLater(() -> {
                probe(System.nanoTime() - posted);
                synchronized (ran) {
                    ran.set(true);
                    ran.notifyAll();
                }
            });
            try {
                synchronized (ran) {
                    while (!ran.get() && running.get()) {
                        ran.wait(100);
                    }
                }
                Thread.sleep(PERIOD_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void probe(long delayNs) {
        long cpu = mx.getCurrentThreadCpuTime();
        ThreadInfo info = mx.getThreadInfo(Thread.currentThread().getId());
        long blocked = info == null || info.getBlockedTime() < 0 ? 0 : info.getBlockedTime() * 1_000_000L;
        synchronized (lock) {
            if (measuring && lastCpu >= 0) {
                probes++;
                maxBusyNs = Math.max(maxBusyNs, cpu - lastCpu + blocked - lastBlocked);
                maxDelayNs = Math.max(maxDelayNs, delayNs);
                sumDelayNs += delayNs;
            }
            lastCpu = cpu;
            lastBlocked = blocked;
        }
    }

    public Figures figures() {
        synchronized (lock) {
            return new Figures(probes, maxBusyNs / 1e6, maxDelayNs / 1e6, probes == 0 ? 0 : sumDelayNs / 1e6 / probes);
        }
    }

    @Override
    public void close() {
        running.set(false);
        poster.interrupt();
    }
}
