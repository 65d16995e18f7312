package org.evo2wb.app.ui.score;

import org.evo2wb.engine.score.CodonEffects;
import org.evo2wb.engine.score.Mutagenesis;

/**
 * The saturation mutagenesis heatmap: rows A, C, G, T under the tracks, one column per base of the region, each
 * cell coloured by Δ log-likelihood on a symmetric scale (red: the substitution is less likely than the reference,
 * blue: more likely); the reference base's cell is grey. Where a CDS covers the region a codon row marks each
 * position's most severe effect, and cells carry {@code *} (stop gained) or {@code s} (synonymous) when wide enough.
 * Zoomed out, a pixel shows the most negative Δ of the bases it covers.
 */
final class MutagenesisPainter {

    static final double ROW = 14;
    static final double HEIGHT = 4 + 4 * ROW + 12 + 22;

    private MutagenesisPainter() {}

    /** Row top of base index b. */
    static double rowY(double y, int b) {
        return y + 4 + b * ROW;
    }

    static void draw(Painter p, Frame f, MutagenesisData m, double y) {
        Mutagenesis.Result r = m.result();
        int len = r.length();
        p.text("Mutagenesis", 8, y + 14, 11, true, Painter.Align.LEFT, Palette.TEXT);
        p.text("Δ log-likelihood", 8, y + 27, 10, false, Painter.Align.LEFT, Palette.MUTED);
        p.text("of the window", 8, y + 39, 10, false, Painter.Align.LEFT, Palette.MUTED);
        for (int b = 0; b < 4; b++) {
            p.text(String.valueOf(Mutagenesis.BASES.charAt(b)), Frame.GUTTER - 8, rowY(y, b) + 11, 11, true,
                    Painter.Align.RIGHT, Palette.base(Mutagenesis.BASES.charAt(b)));
        }
        double codonY = rowY(y, 4) + 2;
        if (m.calls() != null) {
            p.text("codon", Frame.GUTTER - 8, codonY + 8, 9, false, Painter.Align.RIGHT, Palette.MUTED);
        }
        p.clip(Frame.GUTTER, y, f.dataWidth(), HEIGHT);
        double ppb = f.pixelsPerBase();
        if (ppb >= 1) {
            int i0 = Math.max(0, (int) Math.floor(f.start()) - r.start());
            int i1 = Math.min(len, (int) Math.ceil(f.end()) - r.start());
            for (int i = i0; i < i1; i++) {
                double x0 = f.x(r.start() + i);
                double w = Math.max(1, f.x(r.start() + i + 1) - x0 - (ppb >= 5 ? 1 : 0));
                for (int b = 0; b < 4; b++) {
                    cell(p, m, i, b, x0, rowY(y, b), w, ppb);
                }
                if (m.calls() != null) {
                    CodonEffects.Effect e = m.worstEffect(i);
                    if (e != CodonEffects.Effect.NONCODING) {
                        p.fillRect(x0, codonY, w, 7, Palette.effect(e));
                    }
                }
            }
        } else {
            columns(p, f, m, y, codonY);
        }
        double x0 = Math.max(Frame.GUTTER, f.x(r.start()));
        double x1 = Math.min(f.dataRight(), f.x(r.end()));
        p.strokeRect(x0, rowY(y, 0) - 0.5, Math.max(1, x1 - x0), 4 * ROW, Palette.MUTED, 0.6);
        p.unclip();
        legend(p, f, m, codonY + 20);
    }

    private static void cell(Painter p, MutagenesisData m, int i, int b, double x, double y, double w, double ppb) {
        Mutagenesis.Result r = m.result();
        boolean ref = b == r.referenceIndex(i);
        Rgb fill = ref ? Palette.REFERENCE_CELL : Palette.diverging(r.delta(b, i), m.maxAbs());
        p.fillRect(x, y, w, ROW - 1, fill);
        if (ppb < 9) {
            return;
        }
        String glyph = "";
        if (ref) {
            glyph = String.valueOf(Character.toUpperCase(r.reference().charAt(i)));
        } else if (m.calls() != null) {
            CodonEffects.Effect e = m.calls()[b * r.length() + i].effect();
            glyph = e == CodonEffects.Effect.STOP_GAINED ? "*" : e == CodonEffects.Effect.SYNONYMOUS ? "s" : "";
        }
        if (!glyph.isEmpty()) {
            p.text(glyph, x + w / 2, y + 10.5, 10, ref, Painter.Align.CENTER, Palette.on(fill));
        }
    }

    /** Zoomed out: per pixel column the most negative Δ of each row, and the most severe codon effect. */
    private static void columns(Painter p, Frame f, MutagenesisData m, double y, double codonY) {
        Mutagenesis.Result r = m.result();
        int len = r.length();
        double bpp = f.basesPerPixel();
        int cols = (int) Math.ceil(f.dataWidth());
        for (int c = 0; c < cols; c++) {
            double a = f.start() + c * bpp;
            int from = Math.max(0, (int) Math.floor(a) - r.start());
            int to = Math.min(len, (int) Math.ceil(a + bpp) - r.start());
            if (from >= to) {
                continue;
            }
            CodonEffects.Effect worst = CodonEffects.Effect.NONCODING;
            for (int b = 0; b < 4; b++) {
                double min = Double.NaN;
                for (int i = from; i < to; i++) {
                    if (b != r.referenceIndex(i)) {
                        min = Double.isNaN(min) ? r.delta(b, i) : Math.min(min, r.delta(b, i));
                    }
                }
                p.fillRect(Frame.GUTTER + c, rowY(y, b), 1, ROW - 1, Double.isNaN(min) ? Palette.REFERENCE_CELL
                        : Palette.diverging(min, m.maxAbs()));
            }
            for (int i = from; i < to; i++) {
                CodonEffects.Effect e = m.worstEffect(i);
                worst = e.ordinal() > worst.ordinal() ? e : worst;
            }
            if (worst != CodonEffects.Effect.NONCODING) {
                p.fillRect(Frame.GUTTER + c, codonY, 1, 7, Palette.effect(worst));
            }
        }
    }

    private static void legend(Painter p, Frame f, MutagenesisData m, double baseline) {
        double x = Frame.GUTTER;
        String lo = NumericTrackPainter.fmt(-m.maxAbs());
        p.text(lo, x, baseline, 10, false, Painter.Align.LEFT, Palette.MUTED);
        x += p.textWidth(lo, 10, false) + 4;
        for (int i = 0; i < 40; i++) {
            p.fillRect(x + i * 3, baseline - 9, 3, 10, Palette.diverging(-1 + 2 * i / 39.0, 1));
        }
        x += 124;
        String hi = "+" + NumericTrackPainter.fmt(m.maxAbs()) + " nats   red: less likely than the reference, "
                + "blue: more likely";
        p.text(hi, x, baseline, 10, false, Painter.Align.LEFT, Palette.MUTED);
        x += p.textWidth(hi, 10, false) + 18;
        if (m.calls() == null) {
            return;
        }
        for (CodonEffects.Effect e : new CodonEffects.Effect[] {CodonEffects.Effect.SYNONYMOUS,
                CodonEffects.Effect.MISSENSE, CodonEffects.Effect.STOP_GAINED, CodonEffects.Effect.STOP_LOST,
                CodonEffects.Effect.START_LOST, CodonEffects.Effect.START_KEPT}) {
            if (x > f.dataRight() - 60) {
                break;
            }
            if (e.name().startsWith("START") && !hasEffect(m, e)) {
                continue;
            }
            p.fillRect(x, baseline - 8, 9, 8, Palette.effect(e));
            String name = e.label().replace('_', ' ') + (e == CodonEffects.Effect.SYNONYMOUS ? " (s)"
                    : e == CodonEffects.Effect.STOP_GAINED ? " (*)" : "");
            p.text(name, x + 12, baseline, 10, false, Painter.Align.LEFT, Palette.MUTED);
            x += 12 + p.textWidth(name, 10, false) + 12;
        }
    }

    private static boolean hasEffect(MutagenesisData m, CodonEffects.Effect e) {
        for (CodonEffects.Call c : m.calls()) {
            if (c.effect() == e) {
                return true;
            }
        }
        return false;
    }
}
