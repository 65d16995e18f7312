package org.evo2wb.app.ui.score;

import javafx.geometry.VPos;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.Text;
import javafx.scene.text.TextAlignment;

/** Draws on a JavaFX canvas. */
final class CanvasPainter implements Painter {

    static final String FAMILY = "System";

    private final GraphicsContext g;

    CanvasPainter(GraphicsContext g) {
        this.g = g;
        g.setTextBaseline(VPos.BASELINE);
    }

    private static Color fx(Rgb c) {
        return new Color(clamp(c.r()), clamp(c.g()), clamp(c.b()), clamp(c.a()));
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }

    /** Fonts by size and weight: looking a font up costs more than drawing a letter. FX thread only. */
    private static final java.util.Map<Double, Font> FONTS = new java.util.HashMap<>();

    static Font font(double size, boolean bold) {
        double key = Math.round(size * 4) / 4.0 * (bold ? -1 : 1);
        return FONTS.computeIfAbsent(key, k -> Font.font(FAMILY, bold ? FontWeight.BOLD : FontWeight.NORMAL,
                Math.abs(k)));
    }

    @Override
    public void fillRect(double x, double y, double w, double h, Rgb fill) {
        g.setFill(fx(fill));
        g.fillRect(x, y, w, h);
    }

    @Override
    public void strokeRect(double x, double y, double w, double h, Rgb stroke, double width) {
        g.setStroke(fx(stroke));
        g.setLineWidth(width);
        g.strokeRect(x, y, w, h);
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, Rgb stroke, double width) {
        g.setStroke(fx(stroke));
        g.setLineWidth(width);
        g.strokeLine(x1, y1, x2, y2);
    }

    @Override
    public void polyline(double[] xs, double[] ys, int n, Rgb stroke, double width) {
        g.setStroke(fx(stroke));
        g.setLineWidth(width);
        g.strokePolyline(xs, ys, n);
    }

    @Override
    public void fillPolygon(double[] xs, double[] ys, int n, Rgb fill) {
        g.setFill(fx(fill));
        g.fillPolygon(xs, ys, n);
    }

    @Override
    public void text(String s, double x, double y, double size, boolean bold, Align align, Rgb fill) {
        g.setFont(font(size, bold));
        g.setFill(fx(fill));
        g.setTextAlign(switch (align) {
            case LEFT -> TextAlignment.LEFT;
            case CENTER -> TextAlignment.CENTER;
            case RIGHT -> TextAlignment.RIGHT;
        });
        g.fillText(s, x, y);
    }

    @Override
    public double textWidth(String s, double size, boolean bold) {
        return measure(s, size, bold);
    }

    /** Width of a text in the canvas font; shared with the SVG backend so both lay out alike. */
    static double measure(String s, double size, boolean bold) {
        String key = size + (bold ? "b" : "n") + s;
        Double w = WIDTHS.get(key);
        if (w == null) {
            Text t = new Text(s);
            t.setFont(font(size, bold));
            w = t.getLayoutBounds().getWidth();
            if (WIDTHS.size() > 20_000) {
                WIDTHS.clear();
            }
            WIDTHS.put(key, w);
        }
        return w;
    }

    /** Measured text widths (labels repeat on every redraw); used on the FX thread only. */
    private static final java.util.Map<String, Double> WIDTHS = new java.util.HashMap<>();

    @Override
    public void clip(double x, double y, double w, double h) {
        g.save();
        g.beginPath();
        g.rect(x, y, w, h);
        g.closePath();
        g.clip();
    }

    @Override
    public void unclip() {
        g.restore();
    }
}
