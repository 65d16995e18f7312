package org.evo2wb.engine.score;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.evo2wb.bio.Feature;
import org.evo2wb.bio.Location;

/**
 * Per-feature summaries of per-base scores, the way biologists read a genome: the mean log P of the bases of each
 * CDS, gene and RNA feature (mRNA, tRNA, rRNA, ncRNA, …) under model A and, when two models scored, under model B
 * and their difference B − A.
 *
 * <p>A feature's bases are the bases of its spans on this record (a joined CDS counts only its exons); bases outside
 * the scored stretch and bases without a score (the first base without BOS) are left out; a feature with none left
 * is not listed. Δ is the mean of B − A over the bases both models scored.
 */
public final class FeatureScores {

    private FeatureScores() {
    }

    /**
     * One feature's row.
     *
     * @param type feature type ({@code CDS}, {@code gene}, {@code tRNA}, …)
     * @param name its label ({@link Feature#label()})
     * @param location the location as written in the file
     * @param start first base, 1-based
     * @param end last base, 1-based inclusive
     * @param bases scored bases counted
     * @param meanA mean log P under model A (nats per base)
     * @param meanB mean log P under model B, NaN without a model B
     * @param delta mean of B − A, NaN without a model B
     */
    public record Row(String type, String name, String location, long start, long end, int bases, double meanA,
                      double meanB, double delta) {}

    /** True for the feature types summarised: CDS, gene and every RNA type. */
    public static boolean summarised(Feature f) {
        return f.type().equals("CDS") || f.type().equals("gene") || f.type().endsWith("RNA");
    }

    /**
     * The rows, in the order of the features.
     *
     * @param features the record's features
     * @param offset 0-based record position of the first scored base
     * @param a per-base log P under model A (index 0 = the base at {@code offset})
     * @param b per-base log P under model B, or null
     */
    public static List<Row> of(List<Feature> features, int offset, float[] a, float[] b) {
        List<Row> out = new ArrayList<>();
        for (Feature f : features) {
            if (!summarised(f)) {
                continue;
            }
            double sa = 0;
            double sb = 0;
            double sd = 0;
            int na = 0;
            int nb = 0;
            int nd = 0;
            for (Location.Span s : f.location().localSpans()) {
                long from = Math.max(s.start() - 1, offset);
                long to = Math.min(s.end(), (long) offset + a.length);
                for (long p = from; p < to; p++) {
                    int i = (int) (p - offset);
                    float va = a[i];
                    float vb = b == null ? Float.NaN : b[i];
                    if (!Float.isNaN(va)) {
                        sa += va;
                        na++;
                    }
                    if (!Float.isNaN(vb)) {
                        sb += vb;
                        nb++;
                        if (!Float.isNaN(va)) {
                            sd += vb - va;
                            nd++;
                        }
                    }
                }
            }
            if (na == 0) {
                continue;
            }
            out.add(new Row(f.type(), f.label(), f.location().text(), f.location().min(), f.location().max(), na,
                    sa / na, nb == 0 ? Double.NaN : sb / nb, nd == 0 ? Double.NaN : sd / nd));
        }
        return out;
    }

    /**
     * Writes the rows as CSV with a header naming the models ({@code mean_logprob_A}, then B and Δ when
     * {@code modelB} is not null); numbers with 6 decimals.
     */
    public static void writeCsv(Writer w, String record, List<Row> rows, String modelA, String modelB)
            throws IOException {
        w.write("record,type,feature,location,start,end,scored_bases,mean_logprob_A " + quote("(" + modelA + ")"));
        if (modelB != null) {
            w.write(",mean_logprob_B " + quote("(" + modelB + ")") + ",mean_delta_B_minus_A");
        }
        w.write('\n');
        for (Row r : rows) {
            w.write(String.join(",", quote(record), quote(r.type()), quote(r.name()), quote(r.location()),
                    Long.toString(r.start()), Long.toString(r.end()), Integer.toString(r.bases()), num(r.meanA())));
            if (modelB != null) {
                w.write("," + num(r.meanB()) + "," + num(r.delta()));
            }
            w.write('\n');
        }
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v);
    }

    private static String quote(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}
