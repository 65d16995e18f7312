package org.evo2wb.app.ui.score;

import java.util.Locale;

/**
 * The browser's horizontal mapping: the visible stretch {@code [start, end)} of the record (0-based, continuous:
 * base i covers [i, i + 1)) drawn between x = {@link #GUTTER} and x = width − {@link #RIGHT}.
 */
record Frame(double start, double end, double width) {

    /** Width of the label column on the left. */
    static final double GUTTER = 136;
    /** Margin on the right. */
    static final double RIGHT = 12;

    double dataWidth() {
        return Math.max(1, width - GUTTER - RIGHT);
    }

    /** x of a record coordinate. */
    double x(double pos) {
        return GUTTER + (pos - start) / (end - start) * dataWidth();
    }

    /** Record coordinate at x. */
    double pos(double x) {
        return start + (x - GUTTER) / dataWidth() * (end - start);
    }

    /** Pixels per base. */
    double pixelsPerBase() {
        return dataWidth() / (end - start);
    }

    /** Bases per pixel. */
    double basesPerPixel() {
        return (end - start) / dataWidth();
    }

    double dataRight() {
        return GUTTER + dataWidth();
    }

    /** 1-based inclusive locus text of the visible bases, "id:1,201-1,260". */
    String locus(String id) {
        long from = (long) Math.floor(start) + 1;
        long to = (long) Math.ceil(end);
        return String.format(Locale.ROOT, "%s:%,d-%,d", id, from, to);
    }
}
