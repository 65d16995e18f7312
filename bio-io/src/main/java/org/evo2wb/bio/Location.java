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
 * <p>Parts on other entries ({@code join(1888..2509,U18267.1:1..270)}) are kept as spans with an
 * {@link Span#accession() accession}; {@link #min()}, {@link #max()} and {@link #length()} count only the parts on this
 * record, and a location always has at least one such part.
 *
 * @param spans the parts in biological order (for complement locations: as written, reversed)
 * @param strand overall strand
 * @param order true for {@code order(...)}, false for a single span or {@code join(...)}
 * @param text the location exactly as written in the file
 */
public record Location(List<Span> spans, Strand strand, boolean order, String text) {

    public Location {
        spans = List.copyOf(spans);
        if (spans.stream().allMatch(Span::isRemote)) {
            throw new IllegalArgumentException("a location needs at least one span on this record: " + text);
        }
    }

    /** The spans on this record (those without an accession), in biological order. */
    public List<Span> localSpans() {
        return spans.stream().filter(s -> !s.isRemote()).toList();
    }

    /** Smallest start over the spans on this record (1-based). */
    public long min() {
        return localSpans().stream().mapToLong(Span::start).min().orElseThrow();
    }

    /** Largest end over the spans on this record (1-based, inclusive). */
    public long max() {
        return localSpans().stream().mapToLong(Span::end).max().orElseThrow();
    }

    /** Total number of bases covered by the spans on this record. */
    public long length() {
        return localSpans().stream().mapToLong(s -> s.end() - s.start() + 1).sum();
    }

    /**
     * A contiguous part of a location.
     *
     * @param start 1-based first base
     * @param end 1-based last base, inclusive, {@code >= start}
     * @param strand strand of this part
     * @param fuzzyStart the start was written with {@code <} or as one-of/between
     * @param fuzzyEnd the end was written with {@code >} or as one-of/between
     * @param accession the entry this part lies on when it is on another record ({@code U18267.1}), else {@code null}
     */
    public record Span(long start, long end, Strand strand, boolean fuzzyStart, boolean fuzzyEnd, String accession) {
        public Span {
            if (start < 1 || end < start) {
                throw new IllegalArgumentException("bad span " + start + ".." + end);
            }
        }

        /** A span on this record. */
        public Span(long start, long end, Strand strand, boolean fuzzyStart, boolean fuzzyEnd) {
            this(start, end, strand, fuzzyStart, fuzzyEnd, null);
        }

        /** True when this part lies on another entry. */
        public boolean isRemote() {
            return accession != null;
        }
    }
}
