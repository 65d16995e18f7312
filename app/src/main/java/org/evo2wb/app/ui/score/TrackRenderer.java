package org.evo2wb.app.ui.score;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.evo2wb.bio.Feature;
import org.evo2wb.engine.score.CodonEffects;
import org.evo2wb.engine.score.Mutagenesis;

/**
 * Lays out and draws the per-base likelihood browser through a {@link Painter}: a ruler, the bases, the numeric
 * tracks, the feature lanes and the mutagenesis heatmap, stacked on one base axis, with the selection and the
 * hovered base marked across all of them. The same drawing goes to the screen and into PNG and SVG exports.
 */
final class TrackRenderer {

    static final double RULER = 34;
    static final double SEQUENCE = 18;
    static final double GAP = 6;

    /**
     * What to draw.
     *
     * @param start first visible record coordinate (0-based, continuous)
     * @param end one past the last visible coordinate
     * @param selStart first selected base (0-based), or -1
     * @param selEnd one past the last selected base
     * @param hover record coordinate under the mouse, or NaN
     */
    record State(ScoreResult result, MutagenesisData mutagenesis, double start, double end, int selStart, int selEnd,
                 DisplayMode mode, Windowing windowing, double hover) {}

    /** One horizontal band of the layout. */
    record Band(Kind kind, double y, double h, Track track) {
        enum Kind { RULER, SEQUENCE, TRACK, FEATURES, MUTAGENESIS }
    }

    /** Bands and packed features of one state at one width. */
    record Layout(Frame frame, List<Band> bands, List<FeatureLanes.Placed> features, double height) {

        Band band(double y) {
            for (Band b : bands) {
                if (y >= b.y() && y < b.y() + b.h()) {
                    return b;
                }
            }
            return null;
        }
    }

    private TrackRenderer() {}

    static Layout layout(State s, double width, Painter p) {
        Frame f = new Frame(s.start(), s.end(), width);
        List<Band> bands = new ArrayList<>();
        double y = 0;
        bands.add(new Band(Band.Kind.RULER, y, RULER, null));
        y += RULER;
        bands.add(new Band(Band.Kind.SEQUENCE, y, SEQUENCE, null));
        y += SEQUENCE + GAP;
        for (Track t : s.result().tracks()) {
            double h = t.kind() == Track.Kind.ENTROPY ? 58 : t.kind() == Track.Kind.DELTA ? 66 : 80;
            bands.add(new Band(Band.Kind.TRACK, y, h, t));
            y += h + GAP;
        }
        List<FeatureLanes.Placed> placed = FeatureLanes.pack(s.result().features(), f, p);
        if (!s.result().features().isEmpty()) {
            double h = Math.max(2, FeatureLanes.lanes(placed)) * FeatureLanes.LANE + 4;
            bands.add(new Band(Band.Kind.FEATURES, y, h, null));
            y += h + GAP;
        }
        if (s.mutagenesis() != null) {
            bands.add(new Band(Band.Kind.MUTAGENESIS, y, MutagenesisPainter.HEIGHT, null));
            y += MutagenesisPainter.HEIGHT + GAP;
        }
        return new Layout(f, bands, placed, y + 4);
    }

    static void draw(Painter p, State s, Layout l) {
        Frame f = l.frame();
        p.fillRect(0, 0, f.width(), l.height(), Palette.BACKGROUND);
        p.fillRect(0, 0, Frame.GUTTER - 2, l.height(), Palette.GUTTER);
        for (Band b : l.bands()) {
            switch (b.kind()) {
                case RULER -> ruler(p, f, s, b.y());
                case SEQUENCE -> sequence(p, f, s.result(), b.y());
                case TRACK -> NumericTrackPainter.draw(p, f, b.track(), s.result().offset(), b.y(), b.h(), s.mode(),
                        s.windowing());
                case FEATURES -> FeatureLanes.draw(p, f, l.features(), b.y(), b.h());
                case MUTAGENESIS -> MutagenesisPainter.draw(p, f, s.mutagenesis(), b.y());
            }
        }
        overlays(p, f, s, l.height());
    }

    private static void ruler(Painter p, Frame f, State s, double y) {
        ScoreResult r = s.result();
        p.text(r.id(), 8, y + 14, 11, true, Painter.Align.LEFT, Palette.TEXT);
        p.text(String.format(Locale.ROOT, "%,d bp in view", Math.round(f.end() - f.start())), 8, y + 27, 10, false,
                Painter.Align.LEFT, Palette.MUTED);
        double step = niceStep(95 * f.basesPerPixel());
        double minor = step / (step >= 10 ? 5 : step >= 2 ? 2 : 1);
        double base = y + RULER - 6;
        p.line(Frame.GUTTER, base, f.dataRight(), base, Palette.MUTED, 1);
        p.clip(Frame.GUTTER, y, f.dataWidth(), RULER);
        long first = (long) Math.ceil((f.start() + 1) / minor);
        for (long k = first; k * minor <= f.end(); k++) {
            double pos = k * minor;                              // 1-based position
            double x = f.x(pos - 0.5);
            boolean major = Math.abs(pos / step - Math.rint(pos / step)) < 1e-9;
            p.line(x, base, x, base - (major ? 7 : 3), Palette.MUTED, 1);
            if (major) {
                String label = position((long) pos, step);
                double half = p.textWidth(label, 10, false) / 2;
                if (x - half >= Frame.GUTTER && x + half <= f.dataRight()) {
                    p.text(label, x, base - 10, 10, false, Painter.Align.CENTER, Palette.TEXT);
                }
            }
        }
        p.unclip();
    }

    static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1))));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= raw) {
                return Math.max(1, m * p);
            }
        }
        return 10 * p;
    }

    private static String position(long pos, double step) {
        if (step >= 1_000_000 && pos % 1_000_000 == 0) {
            return pos / 1_000_000 + " Mb";
        }
        if (step >= 1000 && pos % 1000 == 0) {
            return String.format(Locale.ROOT, "%,d kb", pos / 1000);
        }
        return String.format(Locale.ROOT, "%,d", pos);
    }

    private static void sequence(Painter p, Frame f, ScoreResult r, double y) {
        p.text("Sequence", 8, y + 13, 11, true, Painter.Align.LEFT, Palette.TEXT);
        double ppb = f.pixelsPerBase();
        if (ppb < 1.5) {
            p.fillRect(Frame.GUTTER, y + 8, f.dataWidth(), 2, Palette.GRID);
            p.text("zoom in to see bases", f.dataRight(), y + 13, 9, false, Painter.Align.RIGHT, Palette.MUTED);
            return;
        }
        String seq = r.sequence();
        int i0 = Math.max(0, (int) Math.floor(f.start()));
        int i1 = Math.min(seq.length(), (int) Math.ceil(f.end()));
        p.clip(Frame.GUTTER, y, f.dataWidth(), SEQUENCE);
        for (int i = i0; i < i1; i++) {
            char c = seq.charAt(i);
            double x0 = f.x(i);
            if (ppb >= 8) {
                p.text(String.valueOf(c), x0 + ppb / 2, y + 13, Math.min(13, ppb * 0.95), true,
                        Painter.Align.CENTER, Palette.base(c));
            } else {
                p.fillRect(x0, y + 3, Math.max(1, ppb - (ppb >= 4 ? 0.5 : 0)), 11, Palette.base(c));
            }
        }
        p.unclip();
    }

    private static void overlays(Painter p, Frame f, State s, double height) {
        p.clip(Frame.GUTTER, 0, f.dataWidth(), height);
        if (s.selStart() >= 0 && s.selEnd() > s.selStart()) {
            double a = f.x(s.selStart());
            double b = f.x(s.selEnd());
            p.fillRect(a, RULER, Math.max(1, b - a), height - RULER, Palette.SELECTION.alpha(0.10));
            p.line(a, RULER, a, height, Palette.SELECTION.alpha(0.7), 1);
            p.line(b, RULER, b, height, Palette.SELECTION.alpha(0.7), 1);
            p.fillRect(a, RULER - 4, Math.max(1, b - a), 4, Palette.SELECTION);
        }
        if (!Double.isNaN(s.hover())) {
            double x = f.x(Math.floor(s.hover()) + 0.5);
            p.line(x, RULER, x, height, Palette.TEXT.alpha(0.35), 1);
        }
        p.unclip();
    }

    // ---------------------------------------------------------------- hover read-out

    /** One line about the base and band under (x, y): position, base, track values, feature or mutagenesis cell. */
    static String describe(State s, Layout l, double x, double y) {
        Frame f = l.frame();
        if (x < Frame.GUTTER || x > f.dataRight()) {
            return "";
        }
        ScoreResult r = s.result();
        int pos = (int) Math.floor(f.pos(x));
        if (pos < 0 || pos >= r.sequence().length()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%s:%,d %c", r.id(), pos + 1,
                r.sequence().charAt(pos)));
        int i = pos - r.offset();
        if (i >= 0 && i < r.length()) {
            for (Track t : r.tracks()) {
                float v = t.data().value(i);
                sb.append(String.format(Locale.ROOT, " · %s %s", t.key(), Float.isNaN(v) ? "–"
                        : String.format(Locale.ROOT, "%.3f", v)));
            }
        }
        Band b = l.band(y);
        if (b != null && b.kind() == Band.Kind.MUTAGENESIS && s.mutagenesis() != null) {
            sb.append(cell(s.mutagenesis(), pos, (int) Math.floor((y - b.y() - 4) / MutagenesisPainter.ROW)));
        } else {
            for (FeatureLanes.Placed pl : l.features()) {
                Feature ft = pl.feature();
                if (ft.location().min() - 1 <= pos && pos < ft.location().max()
                        && (b == null || b.kind() != Band.Kind.FEATURES
                        || pl.lane() == (int) ((y - b.y()) / FeatureLanes.LANE))) {
                    sb.append(" · ").append(ft.type()).append(' ').append(FeatureLanes.label(ft)).append(' ')
                            .append(ft.location().text());
                    String product = ft.qualifier("product") != null ? ft.qualifier("product") : ft.qualifier("note");
                    if (product != null) {
                        sb.append(" (").append(product).append(')');
                    }
                    break;
                }
            }
        }
        return sb.toString();
    }

    private static String cell(MutagenesisData m, int pos, int row) {
        Mutagenesis.Result r = m.result();
        int i = pos - r.start();
        if (i < 0 || i >= r.length() || row < 0 || row > 3) {
            return "";
        }
        char ref = Character.toUpperCase(r.reference().charAt(i));
        char alt = Mutagenesis.BASES.charAt(row);
        if (row == r.referenceIndex(i)) {
            return " · reference base";
        }
        String s = String.format(Locale.ROOT, " · %c>%c Δ %.4f nats", ref, alt, r.delta(row, i));
        if (m.calls() != null) {
            CodonEffects.Call c = m.calls()[row * r.length() + i];
            if (c.effect() != CodonEffects.Effect.NONCODING) {
                s += " · " + c.effect().label().replace('_', ' ') + (c.change().isEmpty() ? "" : " " + c.change())
                        + (c.cds().isEmpty() ? "" : " in " + c.cds().replace('\\', ' '));
            }
        }
        return s;
    }
}
