package org.evo2wb.engine.variants;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Draws a ROC curve ({@link RocAnalysis.Result}) as SVG or PNG: the curve, the chance diagonal and the AUROC. */
public final class RocPlot {

    static final int SIZE = 480;
    static final int MARGIN = 56;

    private RocPlot() {
    }

    private static double x(double fpr) {
        return MARGIN + fpr * (SIZE - 2 * MARGIN);
    }

    private static double y(double tpr) {
        return SIZE - MARGIN - tpr * (SIZE - 2 * MARGIN);
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    public static void writeSvg(Writer w, RocAnalysis.Result r, String title) throws IOException {
        int s = SIZE;
        int m = MARGIN;
        w.write("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + s + "\" height=\"" + s + "\" viewBox=\"0 0 "
                + s + " " + s + "\" font-family=\"sans-serif\" font-size=\"12\">\n");
        w.write("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        w.write("<rect x=\"" + m + "\" y=\"" + m + "\" width=\"" + (s - 2 * m) + "\" height=\"" + (s - 2 * m)
                + "\" fill=\"none\" stroke=\"#444\"/>\n");
        w.write("<line x1=\"" + f(x(0)) + "\" y1=\"" + f(y(0)) + "\" x2=\"" + f(x(1)) + "\" y2=\"" + f(y(1))
                + "\" stroke=\"#999\" stroke-dasharray=\"4 4\"/>\n");
        StringBuilder pts = new StringBuilder();
        for (double[] p : r.curve()) {
            pts.append(f(x(p[0]))).append(',').append(f(y(p[1]))).append(' ');
        }
        w.write("<polyline points=\"" + pts.toString().trim() + "\" fill=\"none\" stroke=\"#1f5fa8\" "
                + "stroke-width=\"2\"/>\n");
        for (int i = 0; i <= 4; i++) {
            double v = i / 4.0;
            w.write("<text x=\"" + f(x(v)) + "\" y=\"" + (s - m + 16) + "\" text-anchor=\"middle\">" + v + "</text>\n");
            w.write("<text x=\"" + (m - 6) + "\" y=\"" + f(y(v) + 4) + "\" text-anchor=\"end\">" + v + "</text>\n");
        }
        w.write("<text x=\"" + s / 2 + "\" y=\"" + (s - 12) + "\" text-anchor=\"middle\">False positive rate</text>\n");
        w.write("<text x=\"16\" y=\"" + s / 2 + "\" text-anchor=\"middle\" transform=\"rotate(-90 16 " + s / 2
                + ")\">True positive rate</text>\n");
        w.write("<text x=\"" + s / 2 + "\" y=\"24\" text-anchor=\"middle\" font-size=\"14\">" + escape(title)
                + "</text>\n");
        w.write("<text x=\"" + (s - m - 8) + "\" y=\"" + (s - m - 12) + "\" text-anchor=\"end\">"
                + escape(label(r)) + "</text>\n");
        w.write("</svg>\n");
    }

    public static void writePng(OutputStream out, RocAnalysis.Result r, String title) throws IOException {
        BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, SIZE, SIZE);
            g.setColor(new Color(0x44, 0x44, 0x44));
            g.drawRect(MARGIN, MARGIN, SIZE - 2 * MARGIN, SIZE - 2 * MARGIN);
            g.setColor(new Color(0x99, 0x99, 0x99));
            g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4, 4}, 0));
            g.drawLine((int) x(0), (int) y(0), (int) x(1), (int) y(1));
            g.setColor(new Color(0x1f, 0x5f, 0xa8));
            g.setStroke(new BasicStroke(2f));
            Path2D.Double path = new Path2D.Double();
            List<double[]> c = r.curve();
            path.moveTo(x(c.get(0)[0]), y(c.get(0)[1]));
            for (double[] p : c) {
                path.lineTo(x(p[0]), y(p[1]));
            }
            g.draw(path);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            for (int i = 0; i <= 4; i++) {
                double v = i / 4.0;
                g.drawString(String.valueOf(v), (int) x(v) - 8, SIZE - MARGIN + 16);
                g.drawString(String.valueOf(v), MARGIN - 30, (int) y(v) + 4);
            }
            g.drawString("False positive rate", SIZE / 2 - 50, SIZE - 12);
            g.drawString(title, MARGIN, 24);
            g.drawString(label(r), SIZE / 2 - 20, SIZE - MARGIN - 12);
            g.rotate(-Math.PI / 2);
            g.drawString("True positive rate", -SIZE / 2 - 50, 20);
        } finally {
            g.dispose();
        }
        ImageIO.write(img, "png", out);
    }

    private static String label(RocAnalysis.Result r) {
        return String.format(Locale.ROOT, "AUROC %.3f (95%% CI %.3f-%.3f)", r.auroc(), r.low(), r.high());
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
