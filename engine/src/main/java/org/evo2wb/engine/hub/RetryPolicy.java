package org.evo2wb.engine.hub;

import java.time.Duration;

/**
 * How often a download is tried again after a failure that may pass (a cut connection, a server error, a stall), and
 * how long it waits in between: {@code firstDelay}, doubled after each failure up to {@code maxDelay}. The count
 * starts again whenever bytes arrive, so a long download over a flaky line keeps going while it makes progress.
 *
 * @param retries tries after the first, in a row without progress
 * @param firstDelay the wait after the first failure
 * @param maxDelay the longest wait
 * @param stallTimeout a connection that delivers nothing for this long is dropped and tried again
 */
public record RetryPolicy(int retries, Duration firstDelay, Duration maxDelay, Duration stallTimeout) {

    /** 5 retries, waiting 1, 2, 4, 8, 16 s; a connection silent for 60 s counts as cut. */
    public static final RetryPolicy STANDARD = new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(30),
            Duration.ofSeconds(60));

    /** The wait before try {@code failure + 1} ({@code failure} from 1). */
    public Duration delay(int failure) {
        long ms = firstDelay.toMillis() << Math.min(20, Math.max(0, failure - 1));
        return Duration.ofMillis(Math.min(ms, maxDelay.toMillis()));
    }
}
