package org.evo2wb.engine.score;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Locale;

/**
 * Text outputs of scoring.
 * <ul>
 *   <li>per-base TSV: header {@code record\tposition\tbase\tlogprob} (optionally {@code \tentropy}), 1-based
 *       positions, one row per scored base (without BOS the first base has no row);</li>
 *   <li>bedGraph: {@code <record>\t<start>\t<end>\t<logprob>}, 0-based half-open single-base intervals on the record
 *       id, after a {@code track type=bedGraph} line;</li>
 *   <li>summary TSV: {@code record\tlength\tsum\tmean} (both strands averaged when reverse-complement averaging was
 *       on).</li>
 * </ul>
 * Numbers use {@code Locale.ROOT} with 6 decimals (log-probs in nats).
 */
public final class ScoreWriters {

    private ScoreWriters() {
    }

    public static void perBaseTsv(Writer w, List<SequenceScore> scores, boolean withEntropy) throws IOException {
        w.write(withEntropy ? "record\tposition\tbase\tlogprob\tentropy\n" : "record\tposition\tbase\tlogprob\n");
        for (SequenceScore s : scores) {
            float[] lp = s.logProbs();
            for (int j = 0; j < lp.length; j++) {
                if (Float.isNaN(lp[j])) {
                    continue;
                }
                w.write(s.id());
                w.write('\t');
                w.write(Integer.toString(j + 1));
                w.write('\t');
                w.write(s.sequence().charAt(j));
                w.write('\t');
                w.write(num(lp[j]));
                if (withEntropy) {
                    w.write('\t');
                    w.write(num(s.entropies()[j]));
                }
                w.write('\n');
            }
        }
    }

    public static void bedGraph(Writer w, List<SequenceScore> scores, String trackName) throws IOException {
        w.write("track type=bedGraph name=\"" + trackName.replace('"', '\'') + "\"\n");
        for (SequenceScore s : scores) {
            float[] lp = s.logProbs();
            for (int j = 0; j < lp.length; j++) {
                if (Float.isNaN(lp[j])) {
                    continue;
                }
                w.write(s.id() + "\t" + j + "\t" + (j + 1) + "\t" + num(lp[j]) + "\n");
            }
        }
    }

    public static void summaryTsv(Writer w, List<SequenceScore> scores) throws IOException {
        w.write("record\tlength\tsum\tmean\n");
        for (SequenceScore s : scores) {
            w.write(s.id() + "\t" + s.length() + "\t" + num(s.sum()) + "\t" + num(s.mean()) + "\n");
        }
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }
}
