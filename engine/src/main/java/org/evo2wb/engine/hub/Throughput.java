package org.evo2wb.engine.hub;

import java.util.ArrayDeque;

/**
 * Download speed over the last few seconds, from the running byte count: (bytes now − bytes then) / (time now −
 * time then) over a window of {@value #WINDOW_NS} ns, so a pause shows at once and a burst does not linger.
 */
final class Throughput {

    private static final long WINDOW_NS = 5_000_000_000L;

    private record Sample(long nanos, long bytes) {}

    private final ArrayDeque<Sample> samples = new ArrayDeque<>();

    /** Records that {@code bytes} have been transferred in all, at {@code nanos}. */
    synchronized void record(long nanos, long bytes) {
        Sample last = samples.peekLast();
        if (last != null && nanos - last.nanos < 50_000_000L) {
            samples.pollLast();
            if (samples.isEmpty()) {
                samples.add(last);
            }
        }
        samples.addLast(new Sample(nanos, bytes));
        while (samples.size() > 2 && nanos - samples.peekFirst().nanos > WINDOW_NS) {
            samples.pollFirst();
        }
    }

    /** Bytes per second over the window ending at {@code nanos}, 0 before two samples. */
    synchronized double bytesPerSecond(long nanos) {
        if (samples.size() < 2) {
            return 0;
        }
        Sample first = samples.peekFirst();
        Sample last = samples.peekLast();
        double seconds = (Math.max(nanos, last.nanos) - first.nanos) / 1e9;
        return seconds <= 0 ? 0 : Math.max(0, last.bytes - first.bytes) / seconds;
    }

    /** Forgets the samples (after a pause, such as hashing what was already there). */
    synchronized void reset() {
        samples.clear();
    }
}
