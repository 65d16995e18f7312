package org.evo2wb.app.ui.score;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.evo2wb.bio.Feature;

/**
 * Moving the browser's view: zoom about a point, pan, whole extent, a locus typed by the user, feature to feature.
 * The view always stays inside the scored stretch and shows at least {@value #MIN_BASES} bases (or all of them).
 */
final class Navigation {

    static final double MIN_BASES = 12;

    private static final Pattern RANGE = Pattern.compile("(?:(\\S+?):)?([0-9][0-9,]*)(?:\\s*(?:-|\\.\\.)\\s*"
            + "([0-9][0-9,]*))?");

    private final ScoreModel model;

    Navigation(ScoreModel model) {
        this.model = model;
    }

    private ScoreResult result() {
        return model.resultProperty().get();
    }

    /** Shows [start, end) clamped to the scored stretch. */
    void show(double start, double end) {
        ScoreResult r = result();
        if (r == null) {
            return;
        }
        double lo = r.offset();
        double hi = r.end();
        double span = Math.max(Math.min(MIN_BASES, hi - lo), Math.min(end - start, hi - lo));
        double mid = (start + end) / 2;
        double s = mid - span / 2;
        s = Math.max(lo, Math.min(s, hi - span));
        model.viewProperty().set(new ScoreModel.ViewRange(s, s + span));
    }

    void whole() {
        ScoreResult r = result();
        if (r != null) {
            show(r.offset(), r.end());
        }
    }

    /** Zooms by {@code factor} (&lt; 1 zooms in) keeping record coordinate {@code at} where it is. */
    void zoom(double factor, double at) {
        ScoreModel.ViewRange v = model.viewProperty().get();
        if (v == null) {
            return;
        }
        double s = at - (at - v.start()) * factor;
        double e = at + (v.end() - at) * factor;
        if (e - s < MIN_BASES) {
            double f = MIN_BASES / (e - s);
            s = at - (at - s) * f;
            e = at + (e - at) * f;
        }
        show(s, e);
    }

    void zoomCentre(double factor) {
        ScoreModel.ViewRange v = model.viewProperty().get();
        if (v != null) {
            zoom(factor, (v.start() + v.end()) / 2);
        }
    }

    /** Moves the view by {@code bases} (positive: to the right). */
    void pan(double bases) {
        ScoreModel.ViewRange v = model.viewProperty().get();
        ScoreResult r = result();
        if (v == null || r == null) {
            return;
        }
        double span = v.end() - v.start();
        double s = Math.max(r.offset(), Math.min(v.start() + bases, r.end() - span));
        model.viewProperty().set(new ScoreModel.ViewRange(s, s + span));
    }

    /**
     * Goes to a locus: {@code 1200-1300}, {@code id:1,200-1,300}, {@code 1200} (centred), or a feature's name
     * (gene, locus tag, label or product, case-insensitive; the first match). Returns an error for the user, or
     * empty when the view moved.
     */
    Optional<String> goTo(String text) {
        ScoreResult r = result();
        String t = text == null ? "" : text.strip();
        if (r == null || t.isEmpty()) {
            return Optional.of(r == null ? "Score a sequence first." : "Type a position, a range or a feature name.");
        }
        Matcher m = RANGE.matcher(t);
        if (m.matches() && (m.group(1) == null || m.group(1).equals(r.id()))) {
            long a = Long.parseLong(m.group(2).replace(",", ""));
            long b = m.group(3) == null ? a : Long.parseLong(m.group(3).replace(",", ""));
            if (b < a) {
                long x = a;
                a = b;
                b = x;
            }
            if (b < r.offset() + 1 || a > r.end()) {
                return Optional.of(String.format(Locale.ROOT, "%s is outside the scored bases %,d-%,d.", t,
                        r.offset() + 1, r.end()));
            }
            if (m.group(3) == null) {
                show(a - 1 - 30, a + 30);
            } else {
                show(a - 1, b);
            }
            return Optional.empty();
        }
        Optional<Feature> f = find(r.features(), t);
        if (f.isEmpty()) {
            return Optional.of("No feature named '" + t + "' in " + r.id() + ", and not a position or range.");
        }
        showFeature(f.get());
        return Optional.empty();
    }

    static Optional<Feature> find(List<Feature> features, String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (String key : List.of("gene", "locus_tag", "label", "product", "protein_id", "note")) {
            for (Feature f : features) {
                if (FeatureLanes.shown(f)) {
                    for (String v : f.qualifiers(key)) {
                        if (v.replace('\\', ' ').toLowerCase(Locale.ROOT).equals(n)) {
                            return Optional.of(f);
                        }
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Shows a feature with a tenth of its length as margin on each side. */
    void showFeature(Feature f) {
        double a = f.location().min() - 1;
        double b = f.location().max();
        double margin = Math.max(10, (b - a) / 10);
        show(a - margin, b + margin);
    }

    /** Jumps to the next (or previous) feature whose start lies beyond the view's centre, IGV's f / b. */
    void nextFeature(boolean forward) {
        ScoreResult r = result();
        ScoreModel.ViewRange v = model.viewProperty().get();
        if (r == null || v == null) {
            return;
        }
        double centre = (v.start() + v.end()) / 2;
        Comparator<Feature> byStart = Comparator.comparingLong(f -> f.location().min());
        r.features().stream().filter(FeatureLanes.shown())
                .filter(f -> forward ? f.location().min() - 1 > centre + 0.5 : f.location().max() < centre - 0.5)
                .min(forward ? byStart : byStart.reversed())
                .ifPresent(f -> {
                    double span = v.end() - v.start();
                    double mid = (f.location().min() - 1 + f.location().max()) / 2.0;
                    show(mid - span / 2, mid + span / 2);
                });
    }
}
