package org.evo2wb.engine.train.data;

import org.evo2wb.bio.dataset.Evo2Tokenizer;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.FineTuneSettings;

/**
 * Per-target loss weights and input case handling, as Evo 2 and BioNeMo train (model spec §3.10, §6.2):
 *
 * <pre>
 *   weight(target c) = 0                 if c is padding, or c ∉ {A,C,G,T,a,c,g,t} and non-ACGT masking is on
 *                    = lowercaseWeight   if c is a lowercase letter (soft-masked, usually a repeat)
 *                    = 1                 otherwise
 *   loss = Σ weight·(−log p(target)) / Σ weight
 * </pre>
 *
 * With upper-casing on, inputs and targets are fed upper-case; the case only survives in the weights.
 *
 * @param lowercaseWeight weight w of lowercase targets (Evo 2: 0.1)
 * @param maskNonAcgt     leave non-ACGTacgt targets out of the loss (BioNeMo: on)
 * @param uppercase       upper-case inputs and targets
 */
public record LossWeights(double lowercaseWeight, boolean maskNonAcgt, boolean uppercase) {

    /** Evo 2 pad token id (model spec §2). */
    public static final int PAD = Evo2Tokenizer.PAD_ID;

    public static LossWeights from(FineTuneSettings s) {
        return new LossWeights(s.get(FineTuneParameters.LOWERCASE_WEIGHT), s.get(FineTuneParameters.MASK_NON_ACGT),
                s.get(FineTuneParameters.UPPERCASE_INPUT));
    }

    /** Weight of one (original-case) target byte. */
    public float weight(int c) {
        boolean acgt = switch (c) {
            case 'A', 'C', 'G', 'T', 'a', 'c', 'g', 't' -> true;
            default -> false;
        };
        if (maskNonAcgt && !acgt) {
            return 0f;
        }
        return c >= 'a' && c <= 'z' ? (float) lowercaseWeight : 1f;
    }

    /** The token fed to (or predicted by) the model for a byte. */
    public int token(int c) {
        return uppercase && c >= 'a' && c <= 'z' ? c - 32 : c;
    }
}
