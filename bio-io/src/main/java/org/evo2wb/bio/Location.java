package org.evo2wb.bio;

import java.util.List;

/**
 * A feature location: one or more spans on the record, in 1-based inclusive coordinates as in GenBank.
 *
 * <p>Fuzzy ends ({@code <1..>200}) are recorded in each {@link Span}; {@code one-of(..)} positions are resolved to
 * their first choice for the start and last choice for the end and flagged fuzzy; {@code order(..)} is kept apart
 * from {@code join(..)} by {@link #order()}. A span that crosses the origin of a circular record is split into two
 * spans at the origin, in biological order.
 *
 * @param spans the parts in biological order (for complement locations: as written, reversed)
 * @param strand overall strand
 * @param order true for {@code order(...)}, false for a single span or {@code join(...)}
 * @param text the location exactly as written in the file
 */
public record Location(List<Span> spans, Strand strand, boolean order, String text) {

    public Location {
        spans = List.copyOf(spans);
        if (spans.isEmpty()) {
            throw new IllegalArgumentException("a location needs at least one span: " + text);
        }
    }

    /** Smallest start over all spans (1-based). */
    public long min() {
        return spans.stream().mapToLong(Span::start).min().orElseThrow();
    }

    /** Largest end over all spans (1-based, inclusive). */
    public long max() {
        return spans.stream().mapToLong(Span::end).max().orElseThrow();
    }

    /** Total number of bases covered by the spans. */
    public long length() {
        return spans.stream().mapToLong(s -> s.end() - s.start() + 1).sum();
    }

    /**
     * A contiguous part of a location.
     *
     * @param start 1-based first base
     * @param end 1-based last base, inclusive, {@code >= start}
     * @param strand strand of this part
     * @param fuzzyStart the start was written with {@code <} or as one-of/between
     * @param fuzzyEnd the end was written with {@code >} or as one-of/between
     */
    public record Span(long start, long end, Strand strand, boolean fuzzyStart, boolean fuzzyEnd) {
        public Span {
            if (start < 1 || end < start) {
                throw new IllegalArgumentException("bad span " + start + ".." + end);
            }
        }
    }
}
