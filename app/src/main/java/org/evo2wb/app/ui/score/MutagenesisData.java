package org.evo2wb.app.ui.score;

import org.evo2wb.engine.score.CodonEffects;
import org.evo2wb.engine.score.Mutagenesis;

/**
 * A mutagenesis result with the codon call of each cell (null when no CDS annotation could be used).
 *
 * @param maxAbs the largest |Δ| of the result, the heatmap's colour scale
 */
record MutagenesisData(Mutagenesis.Result result, CodonEffects.Call[] calls, String modelName, double maxAbs) {

    static MutagenesisData of(Mutagenesis.Result r, CodonEffects.Call[] calls, String modelName) {
        double m = 0;
        for (double d : r.deltas()) {
            if (!Double.isNaN(d)) {
                m = Math.max(m, Math.abs(d));
            }
        }
        return new MutagenesisData(r, calls, modelName, m);
    }

    /** The most severe effect over the substitutions at region position i. */
    CodonEffects.Effect worstEffect(int i) {
        CodonEffects.Effect worst = CodonEffects.Effect.NONCODING;
        if (calls == null) {
            return worst;
        }
        int len = result.length();
        for (int b = 0; b < 4; b++) {
            CodonEffects.Effect e = calls[b * len + i].effect();
            if (e.ordinal() > worst.ordinal()) {
                worst = e;
            }
        }
        return worst;
    }
}
