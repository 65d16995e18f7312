package org.evo2wb.engine.score;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Locale;

/**
 * Per-base numeric tracks (log-probability, entropy, a difference of two models) as files genome browsers read.
 * A track is a float array for consecutive bases of a record starting at a 0-based {@code offset}; NaN marks a
 * base without a value (the first base scored without BOS) and is left out.
 * <ul>
 *   <li>bedGraph: {@code track type=bedGraph name="…"}, then {@code chrom start end value} with 0-based, half-open
 *       single-base intervals (for a whole record scored from base 1, the same lines as
 *       {@link ScoreWriters#bedGraph});</li>
 *   <li>WIG: {@code track type=wiggle_0 name="…"}, then {@code fixedStep chrom=… start=… step=1 span=1} blocks with
 *       1-based starts, a new block after every gap;</li>
 *   <li>CSV: {@code chrom,position,base,<track names>} with 1-based positions and an empty cell for NaN.</li>
 * </ul>
 * Numbers use {@code Locale.ROOT} with 6 decimals, as {@link ScoreWriters} does.
 */
public final class TrackWriters {

    private TrackWriters() {
    }

    public static void bedGraph(Writer w, String chrom, int offset, float[] values, String trackName)
            throws IOException {
        w.write("track type=bedGraph name=\"" + quote(trackName) + "\"\n");
        for (int j = 0; j < values.length; j++) {
            if (!Float.isNaN(values[j])) {
                int start = offset + j;
                w.write(chrom + "\t" + start + "\t" + (start + 1) + "\t" + num(values[j]) + "\n");
            }
        }
    }

    public static void wig(Writer w, String chrom, int offset, float[] values, String trackName) throws IOException {
        w.write("track type=wiggle_0 name=\"" + quote(trackName) + "\"\n");
        boolean inBlock = false;
        for (int j = 0; j < values.length; j++) {
            if (Float.isNaN(values[j])) {
                inBlock = false;
                continue;
            }
            if (!inBlock) {
                w.write("fixedStep chrom=" + chrom + " start=" + (offset + j + 1) + " step=1 span=1\n");
                inBlock = true;
            }
            w.write(num(values[j]) + "\n");
        }
    }

    /**
     * @param sequence the bases of the tracked stretch (same length as each track)
     * @param names column names, one per track
     * @param tracks the tracks, each as long as {@code sequence}
     */
    public static void csv(Writer w, String chrom, int offset, CharSequence sequence, List<String> names,
                           List<float[]> tracks) throws IOException {
        if (names.size() != tracks.size()) {
            throw new IllegalArgumentException(names.size() + " names for " + tracks.size() + " tracks");
        }
        for (float[] t : tracks) {
            if (t.length != sequence.length()) {
                throw new IllegalArgumentException("a track of " + t.length + " values for " + sequence.length()
                        + " bases");
            }
        }
        w.write("chrom,position,base");
        for (String n : names) {
            w.write("," + csvField(n));
        }
        w.write('\n');
        for (int j = 0; j < sequence.length(); j++) {
            w.write(csvField(chrom) + "," + (offset + j + 1) + "," + sequence.charAt(j));
            for (float[] t : tracks) {
                w.write(',');
                if (!Float.isNaN(t[j])) {
                    w.write(num(t[j]));
                }
            }
            w.write('\n');
        }
    }

    private static String quote(String s) {
        return s.replace('"', '\'').replace('\n', ' ');
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }
}
