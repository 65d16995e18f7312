package org.evo2wb.app.data;

/**
 * GC content along a sequence in equal windows: window {@code i} covers bases {@code [i*L/n, (i+1)*L/n)} for a
 * record of length L and n windows, and holds (G+C)/(A+C+G+T) of that stretch, case-insensitive, NaN when the
 * stretch has no A, C, G or T.
 *
 * @param length the record length L
 * @param values one GC fraction per window
 */
public record GcProfile(long length, double[] values) {

    /** Most windows for the overview: enough for a wide screen. */
    public static final int MAX_WINDOWS = 600;
    /** Fewest bases in a window, so that short records do not show single-base noise. */
    public static final int MIN_WINDOW_BASES = 100;

    /** The profile the overview draws: at most {@link #MAX_WINDOWS} windows of at least {@link #MIN_WINDOW_BASES}. */
    public static GcProfile overview(CharSequence sequence) {
        int byLength = sequence.length() / MIN_WINDOW_BASES;
        return of(sequence, Math.max(1, Math.min(MAX_WINDOWS, byLength)));
    }

    /** A profile with {@code min(windows, length)} windows. */
    public static GcProfile of(CharSequence sequence, int windows) {
        int length = sequence.length();
        int n = Math.min(windows, length);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            int from = (int) ((long) i * length / n);
            int to = (int) ((long) (i + 1) * length / n);
            int gc = 0;
            int acgt = 0;
            for (int p = from; p < to; p++) {
                switch (sequence.charAt(p)) {
                    case 'G', 'g', 'C', 'c' -> {
                        gc++;
                        acgt++;
                    }
                    case 'A', 'a', 'T', 't' -> acgt++;
                    default -> { }
                }
            }
            values[i] = acgt == 0 ? Double.NaN : (double) gc / acgt;
        }
        return new GcProfile(length, values);
    }

    public int windows() {
        return values.length;
    }
}
