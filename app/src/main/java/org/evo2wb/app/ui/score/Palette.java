package org.evo2wb.app.ui.score;

import org.evo2wb.engine.score.CodonEffects;

/** Colours of the browser: IGV's base colours, feature types, colour scales and codon effects. */
final class Palette {

    private Palette() {}

    static final Rgb TEXT = Rgb.hex("#1f2933");
    static final Rgb MUTED = Rgb.hex("#6b7785");
    static final Rgb GRID = Rgb.hex("#e4e7eb");
    static final Rgb TRACK_BACKGROUND = Rgb.hex("#fbfcfd");
    static final Rgb BACKGROUND = Rgb.hex("#ffffff");
    static final Rgb GUTTER = Rgb.hex("#f3f5f7");
    static final Rgb SELECTION = Rgb.hex("#3b7dd8");
    static final Rgb REFERENCE_CELL = Rgb.hex("#d5dae0");

    private static final Rgb A = Rgb.hex("#00a000");
    private static final Rgb C = Rgb.hex("#0000ff");
    private static final Rgb G = Rgb.hex("#d17105");
    private static final Rgb T = Rgb.hex("#ff0000");
    private static final Rgb N = Rgb.hex("#808080");

    /** IGV's base colours: A green, C blue, G orange, T red, others grey. */
    static Rgb base(char c) {
        return switch (Character.toUpperCase(c)) {
            case 'A' -> A;
            case 'C' -> C;
            case 'G' -> G;
            case 'T', 'U' -> T;
            default -> N;
        };
    }

    static Rgb feature(String type) {
        return switch (type) {
            case "CDS" -> Rgb.hex("#3b7dd8");
            case "gene" -> Rgb.hex("#7a8ea8");
            case "tRNA" -> Rgb.hex("#d97706");
            case "rRNA" -> Rgb.hex("#a3461a");
            case "mRNA", "ncRNA", "misc_RNA", "tmRNA" -> Rgb.hex("#2f9e6e");
            case "repeat_region", "mobile_element" -> Rgb.hex("#8b5cf6");
            case "promoter", "terminator", "rep_origin", "regulatory" -> Rgb.hex("#0f766e");
            default -> Rgb.hex("#98a2ae");
        };
    }

    private static final Rgb[] VIRIDIS = {Rgb.hex("#440154"), Rgb.hex("#3b528b"), Rgb.hex("#21918c"),
            Rgb.hex("#5ec962"), Rgb.hex("#fde725")};

    /** Sequential scale (viridis) for t in [0, 1]. */
    static Rgb sequential(double t) {
        if (Double.isNaN(t)) {
            return GRID;
        }
        double u = Math.max(0, Math.min(1, t)) * (VIRIDIS.length - 1);
        int i = Math.min(VIRIDIS.length - 2, (int) u);
        return VIRIDIS[i].mix(VIRIDIS[i + 1], u - i);
    }

    private static final Rgb NEGATIVE = Rgb.hex("#b2182b");
    private static final Rgb ZERO = Rgb.hex("#f7f7f7");
    private static final Rgb POSITIVE = Rgb.hex("#2166ac");

    /** Diverging scale: red below 0 (less likely), blue above (more likely), for v in [−m, m]. */
    static Rgb diverging(double v, double m) {
        if (Double.isNaN(v)) {
            return GRID;
        }
        double t = m <= 0 ? 0 : Math.max(-1, Math.min(1, v / m));
        return t < 0 ? ZERO.mix(NEGATIVE, -t) : ZERO.mix(POSITIVE, t);
    }

    static Rgb effect(CodonEffects.Effect e) {
        return switch (e) {
            case STOP_GAINED -> Rgb.hex("#111111");
            case START_LOST -> Rgb.hex("#be123c");
            case START_KEPT -> Rgb.hex("#0891b2");
            case STOP_LOST -> Rgb.hex("#7c3aed");
            case MISSENSE -> Rgb.hex("#f59e0b");
            case SYNONYMOUS -> Rgb.hex("#16a34a");
            case UNKNOWN -> Rgb.hex("#cbd2d9");
            case NONCODING -> BACKGROUND;
        };
    }

    /** Black or white, whichever reads better on {@code fill}. */
    static Rgb on(Rgb fill) {
        double lum = 0.299 * fill.r() + 0.587 * fill.g() + 0.114 * fill.b();
        return lum > 0.55 ? TEXT : Rgb.hex("#ffffff");
    }
}
