package org.evo2wb.app.ui.score;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.evo2wb.bio.Feature;
import org.evo2wb.bio.Location;
import org.evo2wb.bio.Strand;

/**
 * The annotation lanes: the record's features (all but {@code source}) that overlap the view, packed into lanes so
 * that neither boxes nor labels overlap (IGV's expanded mode). Coding sequences and RNAs are drawn as boxes, genes
 * as thin bars, other annotation in between; parts of joined locations are linked by a line; chevrons and an
 * arrow head show the strand; the label sits under the feature.
 */
final class FeatureLanes {

    static final double LANE = 24;
    static final int MAX_LANES = 12;
    private static final double LABEL_SIZE = 10;

    /** A feature placed in a lane, with the pixel extent it reserves (box and label). */
    record Placed(Feature feature, int lane, double left, double right, String label) {}

    private FeatureLanes() {}

    /** Features drawn in lanes (not {@code source}). */
    static boolean shown(Feature f) {
        return !f.type().equals("source");
    }

    static java.util.function.Predicate<Feature> shown() {
        return FeatureLanes::shown;
    }

    /** What a feature's label says: its gene or name, with Vector NTI's {@code \} word separators as spaces. */
    static String label(Feature f) {
        String l = f.label().replace('\\', ' ');
        return l.length() > 28 ? l.substring(0, 27) + "…" : l;
    }

    /** Centre of a label under a feature's visible part, moved inwards so the label stays inside the data area. */
    static double labelCentre(Frame f, Feature x, double labelWidth) {
        double x0 = Math.max(Frame.GUTTER, f.x(x.location().min() - 1));
        double x1 = Math.min(f.dataRight(), f.x(x.location().max()));
        double mid = (x0 + x1) / 2;
        return Math.max(Frame.GUTTER + labelWidth / 2, Math.min(f.dataRight() - labelWidth / 2, mid));
    }

    static List<Placed> pack(List<Feature> features, Frame f, Painter p) {
        List<Feature> visible = new ArrayList<>();
        for (Feature x : features) {
            if (shown(x) && x.location().min() - 1 < f.end() && x.location().max() > f.start()) {
                visible.add(x);
            }
        }
        visible.sort(Comparator.comparingLong((Feature x) -> x.location().min())
                .thenComparing(x -> -x.location().length()));
        List<Double> laneEnds = new ArrayList<>();
        List<Placed> out = new ArrayList<>();
        for (Feature x : visible) {
            double x0 = Math.max(Frame.GUTTER, f.x(x.location().min() - 1));
            double x1 = Math.min(f.dataRight(), f.x(x.location().max()));
            String label = label(x);
            double lw = p.textWidth(label, LABEL_SIZE, false);
            double mid = labelCentre(f, x, lw);
            double left = Math.min(x0, mid - lw / 2);
            double right = Math.max(x1, mid + lw / 2);
            int lane = -1;
            for (int i = 0; i < laneEnds.size(); i++) {
                if (laneEnds.get(i) + 6 <= left) {
                    lane = i;
                    break;
                }
            }
            if (lane < 0 && laneEnds.size() < MAX_LANES) {
                laneEnds.add(Double.NEGATIVE_INFINITY);
                lane = laneEnds.size() - 1;
            }
            if (lane < 0) {
                lane = MAX_LANES - 1;                      // too crowded: overlap in the last lane, no label
                label = "";
            }
            laneEnds.set(lane, Math.max(laneEnds.get(lane), right));
            out.add(new Placed(x, lane, left, right, label));
        }
        return out;
    }

    static int lanes(List<Placed> placed) {
        return placed.stream().mapToInt(Placed::lane).max().orElse(-1) + 1;
    }

    static void draw(Painter p, Frame f, List<Placed> placed, double y, double h) {
        p.text("Features", 8, y + 14, 11, true, Painter.Align.LEFT, Palette.TEXT);
        p.text(placed.isEmpty() ? "none in view" : "> forward  < reverse", 8, y + 27, 10, false,
                Painter.Align.LEFT, Palette.MUTED);
        p.clip(Frame.GUTTER, y, f.dataWidth(), h);
        for (Placed pl : placed) {
            drawOne(p, f, pl, y + pl.lane() * LANE);
        }
        p.unclip();
        p.line(Frame.GUTTER, y + h, f.dataRight(), y + h, Palette.GRID, 1);
    }

    private static double thickness(String type) {
        return switch (type) {
            case "CDS", "tRNA", "rRNA", "mRNA", "ncRNA", "misc_RNA", "tmRNA" -> 11;
            case "gene" -> 5;
            default -> 8;
        };
    }

    private static void drawOne(Painter p, Frame f, Placed pl, double laneY) {
        Feature x = pl.feature();
        Rgb c = Palette.feature(x.type());
        double t = thickness(x.type());
        double mid = laneY + 9;
        List<Location.Span> spans = x.location().localSpans().stream()
                .sorted(Comparator.comparingLong(Location.Span::start)).toList();
        for (int i = 1; i < spans.size(); i++) {
            double a = f.x(spans.get(i - 1).end());
            double b = f.x(spans.get(i).start() - 1);
            if (b > a) {
                p.line(a, mid, b, mid, c, 1);
            }
        }
        boolean reverse = x.location().strand() == Strand.REVERSE;
        boolean forward = x.location().strand() == Strand.FORWARD;
        for (Location.Span s : spans) {
            double a = f.x(s.start() - 1);
            double b = f.x(s.end());
            p.fillRect(a, mid - t / 2, Math.max(1, b - a), t, c);
            if ((forward || reverse) && t >= 8 && b - a > 14) {
                chevrons(p, Math.max(a, Frame.GUTTER), Math.min(b, f.dataRight()), mid, reverse, Palette.on(c));
            }
        }
        if (forward || reverse) {
            double tip = forward ? f.x(x.location().max()) : f.x(x.location().min() - 1);
            double dir = forward ? 1 : -1;
            double half = Math.max(t / 2 + 2, 5);
            p.fillPolygon(new double[] {tip, tip + dir * 6, tip}, new double[] {mid - half, mid, mid + half}, 3, c);
        }
        if (!pl.label().isEmpty()) {
            double cx = labelCentre(f, x, p.textWidth(pl.label(), LABEL_SIZE, false));
            p.text(pl.label(), cx, laneY + 23, LABEL_SIZE, false, Painter.Align.CENTER, Palette.TEXT);
        }
    }

    private static void chevrons(Painter p, double a, double b, double mid, boolean reverse, Rgb c) {
        double d = reverse ? -2.5 : 2.5;
        for (double x = a + 10; x < b - 6; x += 28) {
            p.line(x - d, mid - 3, x + d, mid, c, 1.2);
            p.line(x + d, mid, x - d, mid + 3, c, 1.2);
        }
    }
}
