package org.evo2wb.app.ui.data;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;
import org.evo2wb.app.data.GcProfile;
import org.evo2wb.app.data.LoadedRecord;
import org.evo2wb.bio.Feature;
import org.evo2wb.bio.Location;
import org.evo2wb.bio.Strand;

/**
 * A strip drawn along the whole selected record: a ruler in bp, the features on the forward strand above the axis and
 * on the reverse strand below it (genes as thin bars, other features as boxes, {@code source} left out), and GC
 * content in windows ({@link GcProfile}) between 20 % and 80 % with the 50 % line dashed.
 */
final class SequenceOverview extends Region {

    static final double HEIGHT = 178;
    private static final double LEFT = 44;
    private static final double RIGHT = 12;
    private static final double AXIS_Y = 50;
    private static final double GC_TOP = 92;
    private static final double GC_HEIGHT = 56;
    private static final double GC_MIN = 0.2;
    private static final double GC_MAX = 0.8;
    private static final Map<String, Color> COLORS = new LinkedHashMap<>();

    static {
        COLORS.put("gene", Color.web("#7f8c8d"));
        COLORS.put("CDS", Color.web("#2e6fba"));
        COLORS.put("mRNA", Color.web("#16a085"));
        COLORS.put("tRNA", Color.web("#e67e22"));
        COLORS.put("rRNA", Color.web("#c0392b"));
        COLORS.put("repeat_region", Color.web("#8e44ad"));
        COLORS.put("misc_feature", Color.web("#b8a03a"));
    }

    private static final Color OTHER = Color.web("#a0785a");

    /**
     * Rows on each side of the axis, from the axis outwards: transcripts and coding sequences (joined ones as exons
     * linked by introns), then other annotation (single exons and introns, repeats, variation, misc_feature, ...),
     * then genes and unspliced primary transcripts as thin bars, so that nested features do not hide each other.
     */
    private enum Lane {
        CODING(3, 11),
        OTHER(16, 7),
        GENE(25, 3);

        final double offset;
        final double height;

        Lane(double offset, double height) {
            this.offset = offset;
            this.height = height;
        }

        static Lane of(String type) {
            return switch (type) {
                case "gene", "prim_transcript" -> GENE;
                case "CDS", "mRNA", "tRNA", "rRNA", "ncRNA", "tmRNA", "misc_RNA" -> CODING;
                default -> OTHER;
            };
        }
    }

    private final Canvas canvas = new Canvas();
    private final ObjectProperty<LoadedRecord> record = new SimpleObjectProperty<>();
    private final ObjectProperty<Feature> highlighted = new SimpleObjectProperty<>();
    private final javafx.beans.property.StringProperty hoverText = new javafx.beans.property.SimpleStringProperty("");

    SequenceOverview() {
        setId("sequence-overview");
        getChildren().add(canvas);
        setMinHeight(HEIGHT);
        setPrefHeight(HEIGHT);
        setMaxHeight(HEIGHT);
        record.addListener((obs, old, r) -> draw());
        highlighted.addListener((obs, old, f) -> draw());
        widthProperty().addListener((obs, old, w) -> draw());
        setOnMouseMoved(e -> hoverText.set(featureAt(e.getX(), e.getY()).map(SequenceOverview::describe).orElse("")));
        setOnMouseExited(e -> hoverText.set(""));
    }

    /** The feature drawn with an outline and a band across the strip (the feature table's selection), or null. */
    ObjectProperty<Feature> highlightedProperty() {
        return highlighted;
    }

    /** The feature under the mouse, in words; empty when there is none. */
    javafx.beans.property.StringProperty hoverTextProperty() {
        return hoverText;
    }

    /**
     * The feature drawn at (x, y) of the strip, the smallest where several overlap; empty off the features. A
     * feature counts over its whole extent, introns included.
     */
    java.util.Optional<Feature> featureAt(double x, double y) {
        LoadedRecord r = record.get();
        double w = getWidth();
        if (r == null || r.record().length() == 0 || w < LEFT + RIGHT + 20) {
            return java.util.Optional.empty();
        }
        double scale = (w - LEFT - RIGHT) / r.record().length();
        Feature best = null;
        for (Feature f : r.record().features()) {
            if (f.type().equals("source")) {
                continue;
            }
            double[] box = lane(f);
            double x0 = x(f.location().min(), scale);
            double x1 = Math.max(x0 + 1.5, x(f.location().max() + 1, scale));
            if (x >= x0 - 1 && x <= x1 + 1 && y >= box[0] - 1 && y <= box[0] + box[1] + 1
                    && (best == null || f.location().length() < best.location().length())) {
                best = f;
            }
        }
        return java.util.Optional.ofNullable(best);
    }

    /** "CDS YP_pPCP01 87..1109 (+) putative transposase". */
    static String describe(Feature f) {
        String name = f.label();
        String product = f.qualifier("product") != null ? f.qualifier("product") : f.qualifier("note");
        String strand = switch (f.location().strand()) {
            case FORWARD -> " (+)";
            case REVERSE -> " (−)";
            case UNKNOWN -> "";
        };
        return f.type() + (name.isBlank() ? "" : " " + name) + " " + f.location().text() + strand
                + (product == null ? "" : " " + product);
    }

    /** Top and height of a feature's lane. */
    private static double[] lane(Feature f) {
        Lane lane = Lane.of(f.type());
        boolean reverse = f.location().strand() == Strand.REVERSE;
        return new double[] {reverse ? AXIS_Y + lane.offset : AXIS_Y - lane.offset - lane.height, lane.height};
    }

    ObjectProperty<LoadedRecord> recordProperty() {
        return record;
    }

    @Override
    protected void layoutChildren() {
        if (canvas.getWidth() != getWidth() || canvas.getHeight() != HEIGHT) {
            canvas.setWidth(getWidth());
            canvas.setHeight(HEIGHT);
            draw();
        }
    }

    private void draw() {
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        g.setFill(Color.WHITE);
        g.fillRect(0, 0, w, HEIGHT);
        g.setStroke(Color.web("#d0d0d0"));
        g.strokeRect(0.5, 0.5, w - 1, HEIGHT - 1);
        LoadedRecord r = record.get();
        if (r == null || r.record().length() == 0 || w < LEFT + RIGHT + 20) {
            return;
        }
        long length = r.record().length();
        double scale = (w - LEFT - RIGHT) / length;
        g.setFont(Font.font(10));
        ruler(g, length, scale);
        Map<String, Color> present = features(g, r, scale);
        gc(g, r.gc(), scale);
        legend(g, present);
    }

    private static double x(long position, double scale) {
        return LEFT + (position - 1) * scale;
    }

    private void ruler(GraphicsContext g, long length, double scale) {
        double step = niceStep(length, (canvas.getWidth() - LEFT - RIGHT) / 90);
        g.setStroke(Color.web("#909090"));
        g.setFill(Color.web("#404040"));
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.TOP);
        for (double p = 0; p <= length; p += step) {
            double px = LEFT + p * scale;
            g.strokeLine(px, 14, px, 18);
            g.fillText(bp((long) p), px, 2);
        }
        g.setStroke(Color.web("#606060"));
        g.strokeLine(LEFT, AXIS_Y, LEFT + length * scale, AXIS_Y);
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.CENTER);
        g.fillText("+", 6, AXIS_Y - 14);
        g.fillText("−", 6, AXIS_Y + 14);
    }

    private Map<String, Color> features(GraphicsContext g, LoadedRecord r, double scale) {
        Map<String, Color> present = new LinkedHashMap<>();
        for (Feature f : r.record().features()) {
            if (f.type().equals("source")) {
                continue;
            }
            Color color = COLORS.getOrDefault(f.type(), OTHER);
            present.putIfAbsent(COLORS.containsKey(f.type()) ? f.type() : "other", color);
            double[] box = lane(f);
            draw(g, f, box[0], box[1], color, scale);
        }
        Feature h = highlighted.get();
        if (h != null && r.record().features().contains(h)) {
            double[] box = lane(h);
            double x0 = x(h.location().min(), scale);
            double x1 = Math.max(x0 + 1.5, x(h.location().max() + 1, scale));
            g.setFill(Color.web("#f6c343", 0.28));
            g.fillRect(x0, 20, x1 - x0, HEIGHT - 40);
            g.setStroke(Color.web("#111111"));
            g.setLineWidth(2);
            g.strokeRect(x0 - 1, box[0] - 1.5, x1 - x0 + 2, box[1] + 3);
            g.setLineWidth(1);
        }
        return present;
    }

    /**
     * One feature in its lane: each part of a joined location as a box (an exon), consecutive parts linked by a line
     * at mid-height (an intron).
     */
    private static void draw(GraphicsContext g, Feature f, double top, double height, Color color, double scale) {
        g.setFill(color);
        g.setStroke(color);
        java.util.List<Location.Span> written = f.location().localSpans();
        java.util.List<Location.Span> spans = written.stream()
                .sorted(java.util.Comparator.comparingLong(Location.Span::start)).toList();
        // parts written in ascending or descending order are exons; others cross the origin of a circular record
        java.util.List<Location.Span> backwards = new java.util.ArrayList<>(written);
        java.util.Collections.reverse(backwards);
        boolean exons = spans.equals(written) || spans.equals(backwards);
        Location.Span previous = null;
        for (Location.Span s : spans) {
            double x0 = x(s.start(), scale);
            double width = Math.max(1.5, (s.end() - s.start() + 1) * scale);
            g.fillRect(x0, top, width, height);
            if (exons && previous != null && s.start() > previous.end() + 1) {
                double mid = Math.floor(top + height / 2) + 0.5;     // a crisp one-pixel line
                g.strokeLine(x(previous.end() + 1, scale), mid, x0, mid);
            }
            previous = s;
        }
    }

    private void gc(GraphicsContext g, GcProfile profile, double scale) {
        double bottom = GC_TOP + GC_HEIGHT;
        g.setFill(Color.web("#f4f6f8"));
        g.fillRect(LEFT, GC_TOP, profile.length() * scale, GC_HEIGHT);
        g.setFill(Color.web("#404040"));
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.CENTER);
        g.fillText("GC", 6, GC_TOP + GC_HEIGHT / 2);
        g.setFont(Font.font(9));
        g.fillText("80%", 6, GC_TOP + 4);
        g.fillText("20%", 6, bottom - 4);
        int n = profile.windows();
        g.setFill(Color.web("#3a8f5c"));
        for (int i = 0; i < n; i++) {
            double v = profile.values()[i];
            if (Double.isNaN(v)) {
                continue;
            }
            double clamped = Math.max(GC_MIN, Math.min(GC_MAX, v));
            double y = bottom - (clamped - GC_MIN) / (GC_MAX - GC_MIN) * GC_HEIGHT;
            double x0 = LEFT + (double) i * profile.length() / n * scale;
            double x1 = LEFT + (double) (i + 1) * profile.length() / n * scale;
            g.fillRect(x0, y, Math.max(1, x1 - x0), bottom - y);
        }
        double mid = bottom - (0.5 - GC_MIN) / (GC_MAX - GC_MIN) * GC_HEIGHT;
        g.setStroke(Color.web("#303030"));
        g.setLineDashes(4, 3);
        g.strokeLine(LEFT, mid, LEFT + profile.length() * scale, mid);
        g.setLineDashes();
    }

    private void legend(GraphicsContext g, Map<String, Color> present) {
        double x = LEFT;
        double y = HEIGHT - 14;
        g.setFont(Font.font(10));
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.CENTER);
        for (Map.Entry<String, Color> e : present.entrySet()) {
            g.setFill(e.getValue());
            g.fillRect(x, y - 4, 10, 8);
            g.setFill(Color.web("#404040"));
            g.fillText(e.getKey(), x + 14, y);
            x += 22 + 6.5 * e.getKey().length();
        }
    }

    /** A round tick spacing (1, 2 or 5 times a power of ten) giving at most {@code maxTicks} ticks. */
    static double niceStep(long length, double maxTicks) {
        double raw = length / Math.max(1, maxTicks);
        double pow = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1))));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * pow >= raw) {
                return m * pow;
            }
        }
        return 10 * pow;
    }

    /** A ruler label: 0, 500, 1 kb, 1.5 kb, 2 Mb. */
    static String bp(long p) {
        if (p >= 1_000_000) {
            return trim(p / 1e6) + " Mb";
        }
        if (p >= 1_000) {
            return trim(p / 1e3) + " kb";
        }
        return Long.toString(p);
    }

    private static String trim(double v) {
        return new java.math.BigDecimal(String.format(Locale.ROOT, "%.3f", v)).stripTrailingZeros().toPlainString();
    }
}
