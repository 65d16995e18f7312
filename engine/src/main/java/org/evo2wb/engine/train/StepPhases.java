package org.evo2wb.engine.train;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where a training step's time goes, for benchmarks: with the system property {@code evo2wb.stepPhases=true} each
 * step prints one line to standard error with the milliseconds between its marks (each mark follows a read-back
 * from the device, so the times are the device's too). Off by default, at no cost.
 */
final class StepPhases {

    static final boolean ON = Boolean.getBoolean("evo2wb.stepPhases");

    private static final ThreadLocal<Map<String, Long>> MARKS = ThreadLocal.withInitial(LinkedHashMap::new);
    private static final ThreadLocal<long[]> LAST = ThreadLocal.withInitial(() -> new long[1]);

    private StepPhases() {
    }

    /** Starts a step's timing. */
    static void start() {
        if (ON) {
            long now = System.nanoTime();
            long previous = LAST.get()[0];
            MARKS.get().clear();
            if (previous != 0) {
                MARKS.get().put("since-last-step", now - previous);
            }
            LAST.get()[0] = now;
        }
    }

    /** Ends phase {@code name} (the time since the previous mark is added to it). */
    static void mark(String name) {
        if (ON) {
            long now = System.nanoTime();
            MARKS.get().merge(name, now - LAST.get()[0], Long::sum);
            LAST.get()[0] = now;
        }
    }

    /** Prints the step's phases. */
    static void print(long step) {
        if (ON) {
            mark("closing");
            StringBuilder sb = new StringBuilder("step " + step + " phases (ms):");
            MARKS.get().forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s %.1f", k, v / 1e6)));
            System.err.println(sb);
        }
    }
}
