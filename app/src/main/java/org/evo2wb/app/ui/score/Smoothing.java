package org.evo2wb.app.ui.score;

/** Centred moving means for drawing noisy per-base tracks. */
final class Smoothing {

    private Smoothing() {
    }

    /**
     * The mean of the values within a window of {@code window} bases centred on each base (the window reaches
     * {@code (window − 1) / 2} bases left and the rest right, cut at the ends), NaN values left out; NaN where the
     * window holds no value. O(n) through prefix sums.
     */
    static float[] movingMean(float[] values, int window) {
        int n = values.length;
        double[] sum = new double[n + 1];
        int[] count = new int[n + 1];
        for (int i = 0; i < n; i++) {
            boolean ok = !Float.isNaN(values[i]);
            sum[i + 1] = sum[i] + (ok ? values[i] : 0);
            count[i + 1] = count[i] + (ok ? 1 : 0);
        }
        int left = (window - 1) / 2;
        int right = window - 1 - left;
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            int a = Math.max(0, i - left);
            int b = Math.min(n, i + right + 1);
            int c = count[b] - count[a];
            out[i] = c == 0 ? Float.NaN : (float) ((sum[b] - sum[a]) / c);
        }
        return out;
    }
}
