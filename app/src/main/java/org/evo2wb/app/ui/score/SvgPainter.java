package org.evo2wb.app.ui.score;

import java.util.Locale;

/**
 * Writes the renderer's drawing as an SVG 1.1 document: rectangles, lines, polylines, polygons and text, with
 * clipping through {@code clipPath} groups. Text is measured with the screen font, so the layout matches the
 * window's.
 */
final class SvgPainter implements Painter {

    private final StringBuilder body = new StringBuilder();
    private final double width;
    private final double height;
    private int clips;
    private int open;

    SvgPainter(double width, double height) {
        this.width = width;
        this.height = height;
    }

    /** The complete document. */
    String document() {
        StringBuilder sb = new StringBuilder();
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
                + "width=\"%s\" height=\"%s\" viewBox=\"0 0 %s %s\" font-family=\"sans-serif\">%n",
                n(width), n(height), n(width), n(height)));
        sb.append(body);
        sb.append("</g>\n".repeat(open));
        sb.append("</svg>\n");
        return sb.toString();
    }

    private static String n(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String paint(String attr, Rgb c) {
        String s = attr + "=\"" + c.css() + "\"";
        return c.a() < 1 ? s + String.format(Locale.ROOT, " %s-opacity=\"%.3f\"", attr, Math.max(0, c.a())) : s;
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                default -> {
                    if (c >= 0x20 || c == '\t') {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    @Override
    public void fillRect(double x, double y, double w, double h, Rgb fill) {
        body.append("<rect x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" width=\"").append(n(w))
                .append("\" height=\"").append(n(h)).append("\" ").append(paint("fill", fill)).append("/>\n");
    }

    @Override
    public void strokeRect(double x, double y, double w, double h, Rgb stroke, double width) {
        body.append("<rect x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" width=\"").append(n(w))
                .append("\" height=\"").append(n(h)).append("\" fill=\"none\" ").append(paint("stroke", stroke))
                .append(" stroke-width=\"").append(n(width)).append("\"/>\n");
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, Rgb stroke, double width) {
        body.append("<line x1=\"").append(n(x1)).append("\" y1=\"").append(n(y1)).append("\" x2=\"").append(n(x2))
                .append("\" y2=\"").append(n(y2)).append("\" ").append(paint("stroke", stroke))
                .append(" stroke-width=\"").append(n(width)).append("\"/>\n");
    }

    private void points(double[] xs, double[] ys, int n) {
        body.append(" points=\"");
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                body.append(' ');
            }
            body.append(n(xs[i])).append(',').append(n(ys[i]));
        }
        body.append('"');
    }

    @Override
    public void polyline(double[] xs, double[] ys, int n, Rgb stroke, double width) {
        if (n < 2) {
            return;
        }
        body.append("<polyline fill=\"none\" ").append(paint("stroke", stroke)).append(" stroke-width=\"")
                .append(n(width)).append("\" stroke-linejoin=\"round\"");
        points(xs, ys, n);
        body.append("/>\n");
    }

    @Override
    public void fillPolygon(double[] xs, double[] ys, int n, Rgb fill) {
        if (n < 3) {
            return;
        }
        body.append("<polygon ").append(paint("fill", fill));
        points(xs, ys, n);
        body.append("/>\n");
    }

    @Override
    public void text(String s, double x, double y, double size, boolean bold, Align align, Rgb fill) {
        String anchor = switch (align) {
            case LEFT -> "start";
            case CENTER -> "middle";
            case RIGHT -> "end";
        };
        body.append("<text x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" font-size=\"")
                .append(n(size)).append("\" text-anchor=\"").append(anchor).append('"')
                .append(bold ? " font-weight=\"bold\" " : " ").append(paint("fill", fill)).append('>')
                .append(escape(s)).append("</text>\n");
    }

    @Override
    public double textWidth(String s, double size, boolean bold) {
        return CanvasPainter.measure(s, size, bold);
    }

    @Override
    public void clip(double x, double y, double w, double h) {
        String id = "c" + (++clips);
        body.append("<clipPath id=\"").append(id).append("\"><rect x=\"").append(n(x)).append("\" y=\"").append(n(y))
                .append("\" width=\"").append(n(w)).append("\" height=\"").append(n(h)).append("\"/></clipPath>\n");
        body.append("<g clip-path=\"url(#").append(id).append(")\">\n");
        open++;
    }

    @Override
    public void unclip() {
        if (open > 0) {
            body.append("</g>\n");
            open--;
        }
    }
}
