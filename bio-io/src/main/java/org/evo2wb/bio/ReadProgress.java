package org.evo2wb.bio;

/**
 * Progress of reading a file, reported as plain counters from the reading thread. Implementations must be cheap and
 * thread-safe; the reader calls them every few hundred kilobytes.
 */
public interface ReadProgress {

    ReadProgress NONE = new ReadProgress() {};

    /**
     * @param bytesRead compressed bytes consumed so far
     * @param totalBytes file size in bytes (compressed), or -1 if unknown
     * @param records records completed so far
     */
    default void update(long bytesRead, long totalBytes, int records) {}

    /** Polled by the reader; returning true stops it with {@link java.util.concurrent.CancellationException}. */
    default boolean isCancelled() {
        return false;
    }
}
