package org.evo2wb.app.ui.score;

import java.util.Locale;

/**
 * Draws one numeric track in a band: one entry per base when a base is at least a pixel wide, else one per pixel
 * column with the windowing function's value and (for lines) the min–max band. The scale fits the visible values
 * (autoscale): log-probabilities hang from 0 in bar charts, entropies stand on 0, differences are centred on 0.
 */
final class NumericTrackPainter {

    private NumericTrackPainter() {}

    /** Visible entries: x extent, the drawn value, and the range it summarises. */
    private record Series(double[] x0, double[] x1, double[] value, double[] lo, double[] hi, int n) {}

    static void draw(Painter p, Frame f, Track t, int offset, double y, double h, DisplayMode mode, Windowing win) {
        p.fillRect(Frame.GUTTER, y, f.dataWidth(), h, Palette.TRACK_BACKGROUND);
        Series s = series(f, t, offset, win);
        double[] range = range(s, t.kind(), mode);
        double top = range[1];
        double bottom = range[0];
        double pad = 3;
        java.util.function.DoubleUnaryOperator yOf = v -> y + pad + (top - v) / (top - bottom) * (h - 2 * pad);
        Rgb colour = t.kind().colour;
        p.clip(Frame.GUTTER, y, f.dataWidth(), h);
        if (bottom < 0 && top > 0 && mode != DisplayMode.HEATMAP) {
            p.line(Frame.GUTTER, yOf.applyAsDouble(0), f.dataRight(), yOf.applyAsDouble(0), Palette.GRID, 1);
        }
        switch (mode) {
            case HEATMAP -> heat(p, s, t.kind(), bottom, top, y, h);
            case BAR -> bars(p, s, yOf, Math.max(bottom, Math.min(top, 0)), t.kind());
            case LINE -> line(p, s, yOf, colour, f.basesPerPixel() > 1 && win == Windowing.MEAN);
        }
        p.unclip();
        p.line(Frame.GUTTER, y + h, f.dataRight(), y + h, Palette.GRID, 1);
        labels(p, t, y, h, bottom, top, mode);
    }

    private static Series series(Frame f, Track t, int offset, Windowing win) {
        TrackSummary d = t.data();
        if (f.basesPerPixel() <= 1) {
            int i0 = Math.max(0, (int) Math.floor(f.start()) - offset);
            int i1 = Math.min(d.length(), (int) Math.ceil(f.end()) - offset);
            int n = Math.max(0, i1 - i0);
            Series s = new Series(new double[n], new double[n], new double[n], new double[n], new double[n], n);
            for (int k = 0; k < n; k++) {
                int i = i0 + k;
                s.x0[k] = f.x(offset + i);
                s.x1[k] = f.x(offset + i + 1);
                double v = d.value(i);
                s.value[k] = v;
                s.lo[k] = v;
                s.hi[k] = v;
            }
            return s;
        }
        int cols = (int) Math.ceil(f.dataWidth());
        Series s = new Series(new double[cols], new double[cols], new double[cols], new double[cols],
                new double[cols], cols);
        double bpp = f.basesPerPixel();
        for (int c = 0; c < cols; c++) {
            double a = f.start() + c * bpp;
            int from = (int) Math.floor(a) - offset;
            int to = (int) Math.ceil(a + bpp) - offset;
            TrackSummary.Stats st = d.stats(from, to);
            s.x0[c] = Frame.GUTTER + c;
            s.x1[c] = Frame.GUTTER + c + 1;
            s.value[c] = win.pick(st);
            s.lo[c] = st.min();
            s.hi[c] = st.max();
        }
        return s;
    }

    /** [bottom, top] of the scale. */
    private static double[] range(Series s, Track.Kind kind, DisplayMode mode) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < s.n; k++) {
            if (!Double.isNaN(s.lo[k])) {
                lo = Math.min(lo, s.lo[k]);
                hi = Math.max(hi, s.hi[k]);
            }
        }
        if (lo > hi) {
            return new double[] {-1, 0};
        }
        if (kind == Track.Kind.DELTA) {
            double m = Math.max(Math.abs(lo), Math.abs(hi));
            return m == 0 ? new double[] {-1, 1} : new double[] {-m, m};
        }
        if (mode == DisplayMode.BAR || kind == Track.Kind.ENTROPY) {
            lo = Math.min(lo, 0);
            hi = Math.max(hi, 0);
        }
        if (hi - lo < 1e-6) {
            lo -= 0.5;
            hi += 0.5;
        }
        return new double[] {lo, hi};
    }

    private static void heat(Painter p, Series s, Track.Kind kind, double bottom, double top, double y, double h) {
        for (int k = 0; k < s.n; k++) {
            double v = s.value[k];
            if (Double.isNaN(v)) {
                continue;
            }
            Rgb c = kind == Track.Kind.DELTA ? Palette.diverging(v, top)
                    : Palette.sequential((v - bottom) / (top - bottom));
            p.fillRect(s.x0[k], y + 1, Math.max(1, s.x1[k] - s.x0[k]), h - 2, c);
        }
    }

    private static void bars(Painter p, Series s, java.util.function.DoubleUnaryOperator yOf, double base,
                             Track.Kind kind) {
        double yb = yOf.applyAsDouble(base);
        for (int k = 0; k < s.n; k++) {
            double v = s.value[k];
            if (Double.isNaN(v)) {
                continue;
            }
            double yv = yOf.applyAsDouble(v);
            double w = s.x1[k] - s.x0[k];
            double gap = w >= 4 ? 1 : 0;
            Rgb c = kind != Track.Kind.DELTA ? kind.colour : Palette.diverging(v < 0 ? -0.85 : 0.85, 1);
            p.fillRect(s.x0[k], Math.min(yv, yb), Math.max(1, w - gap), Math.max(1, Math.abs(yv - yb)), c);
        }
    }

    private static void line(Painter p, Series s, java.util.function.DoubleUnaryOperator yOf, Rgb c, boolean band) {
        if (band) {
            Rgb light = c.alpha(0.22);
            for (int k = 0; k < s.n; k++) {
                if (!Double.isNaN(s.lo[k])) {
                    double y0 = yOf.applyAsDouble(s.hi[k]);
                    double y1 = yOf.applyAsDouble(s.lo[k]);
                    p.fillRect(s.x0[k], y0, s.x1[k] - s.x0[k], Math.max(1, y1 - y0), light);
                }
            }
        }
        double[] xs = new double[2 * s.n];
        double[] ys = new double[2 * s.n];
        int m = 0;
        boolean step = s.n > 0 && s.x1[0] - s.x0[0] > 2;
        for (int k = 0; k <= s.n; k++) {
            double v = k < s.n ? s.value[k] : Double.NaN;
            if (Double.isNaN(v)) {
                if (m > 0) {
                    p.polyline(xs, ys, m, c, 1.4);
                }
                m = 0;
                continue;
            }
            double yv = yOf.applyAsDouble(v);
            if (step) {
                xs[m] = s.x0[k];
                ys[m++] = yv;
                xs[m] = s.x1[k];
                ys[m++] = yv;
            } else {
                xs[m] = (s.x0[k] + s.x1[k]) / 2;
                ys[m++] = yv;
            }
        }
    }

    private static void labels(Painter p, Track t, double y, double h, double bottom, double top, DisplayMode mode) {
        p.text(t.title(), 8, y + 14, 11, true, Painter.Align.LEFT, Palette.TEXT);
        p.text(unit(t.kind()), 8, y + 27, 10, false, Painter.Align.LEFT, Palette.MUTED);
        double xr = Frame.GUTTER - 6;
        p.text(fmt(top), xr, y + 11, 10, false, Painter.Align.RIGHT, Palette.MUTED);
        p.text(fmt(bottom), xr, y + h - 3, 10, false, Painter.Align.RIGHT, Palette.MUTED);
        if (mode == DisplayMode.HEATMAP) {
            double x = Frame.GUTTER - 12;
            for (int i = 0; i < 10; i++) {
                double tt = 1 - i / 9.0;
                Rgb c = t.kind() == Track.Kind.DELTA ? Palette.diverging(2 * tt - 1, 1) : Palette.sequential(tt);
                p.fillRect(x, y + 14 + i * (h - 30) / 10, 6, (h - 30) / 10 + 0.5, c);
            }
        }
    }

    private static String unit(Track.Kind k) {
        return switch (k) {
            case LOG_PROB -> "nats, per base";
            case ENTROPY -> "nats, predicted";
            case DELTA -> "nats, per base";
        };
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        double a = Math.abs(v);
        return a < 0.005 ? "0" : a >= 100 ? String.format(Locale.ROOT, "%.0f", v)
                : a >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
