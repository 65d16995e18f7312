package org.evo2wb.app.ui.score;

/**
 * The drawing operations the track renderer uses, so that one renderer draws on screen ({@link CanvasPainter}) and
 * into SVG files ({@link SvgPainter}) alike. Coordinates are pixels, y downwards; text is anchored at its baseline.
 */
interface Painter {

    /** Horizontal text anchor. */
    enum Align { LEFT, CENTER, RIGHT }

    void fillRect(double x, double y, double w, double h, Rgb fill);

    void strokeRect(double x, double y, double w, double h, Rgb stroke, double width);

    void line(double x1, double y1, double x2, double y2, Rgb stroke, double width);

    /** An open polyline through the first {@code n} points. */
    void polyline(double[] xs, double[] ys, int n, Rgb stroke, double width);

    /** A filled polygon through the first {@code n} points. */
    void fillPolygon(double[] xs, double[] ys, int n, Rgb fill);

    void text(String s, double x, double y, double size, boolean bold, Align align, Rgb fill);

    /** Width of {@code s} in pixels at this size. */
    double textWidth(String s, double size, boolean bold);

    /** Restricts drawing to a rectangle until the matching {@link #unclip()}. */
    void clip(double x, double y, double w, double h);

    void unclip();
}
