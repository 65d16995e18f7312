package org.evo2wb.app.ui.generate;

import java.util.Locale;
import org.evo2wb.engine.generate.SequenceQc;

/**
 * One row of the Generate view's table: the prompt or a sample, its bases so far and, once known, its QC and the
 * model's mean log-likelihood.
 *
 * @param name "prompt" or the sample's FASTA name
 * @param bases the bases (so far)
 * @param qc null while the sample grows
 * @param meanLogLikelihood NaN while unknown
 * @param sample 0-based sample number, or -1 for the prompt
 */
public record SampleRow(String name, String bases, SequenceQc qc, double meanLogLikelihood, int sample) {

    /** The last bases, for the table's growing column. */
    public String tail() {
        int n = 60;
        return bases.length() <= n ? bases : "…" + bases.substring(bases.length() - n);
    }

    public String gc() {
        return qc == null ? "" : String.format(Locale.ROOT, "%.1f", qc.gcPercent());
    }

    /** Longest ORF and its frame, e.g. {@code 312 (+2)}. */
    public String orf() {
        if (qc == null) {
            return "";
        }
        int best = 0;
        for (int f = 1; f < 6; f++) {
            if (qc.longestOrf()[f] > qc.longestOrf()[best]) {
                best = f;
            }
        }
        return qc.longestOrf()[best] + " (" + SequenceQc.FRAMES[best] + ")";
    }

    public String homopolymer() {
        return qc == null ? "" : Integer.toString(qc.longestHomopolymer());
    }

    public String repeats() {
        return qc == null ? "" : String.format(Locale.ROOT, "%.3f", qc.repeatedKmerFraction());
    }

    public String logLikelihood() {
        return Double.isNaN(meanLogLikelihood) ? "" : String.format(Locale.ROOT, "%.4f", meanLogLikelihood);
    }
}
