package org.evo2wb.app.ui.score;

import java.util.Locale;

/** A colour for the track renderer, independent of the drawing backend. Components in [0, 1]. */
record Rgb(double r, double g, double b, double a) {

    static Rgb hex(String hex) {
        int v = Integer.parseInt(hex.substring(1), 16);
        return new Rgb(((v >> 16) & 0xff) / 255.0, ((v >> 8) & 0xff) / 255.0, (v & 0xff) / 255.0, 1);
    }

    Rgb alpha(double alpha) {
        return new Rgb(r, g, b, alpha);
    }

    /** Linear blend towards {@code o} by {@code t} in [0, 1]. */
    Rgb mix(Rgb o, double t) {
        return new Rgb(r + (o.r - r) * t, g + (o.g - g) * t, b + (o.b - b) * t, a + (o.a - a) * t);
    }

    /** {@code #rrggbb}. */
    String css() {
        return String.format(Locale.ROOT, "#%02x%02x%02x", (int) Math.round(r * 255), (int) Math.round(g * 255),
                (int) Math.round(b * 255));
    }
}
