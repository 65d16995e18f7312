package org.evo2wb.engine.generate;

import java.util.List;

/**
 * The outcome of a generation.
 *
 * @param request what was asked
 * @param promptMeanLogLikelihood the model's mean log-likelihood of the prompt's bases after the first (NaN for a
 *                                one-base prompt)
 * @param promptQc the prompt's composition and structure
 * @param samples the continuations (shorter than asked when stopped)
 * @param stopped whether the user stopped it before every base was generated
 * @param seconds time spent after loading (prompt and generation)
 */
public record Generation(GenerationRequest request, double promptMeanLogLikelihood, SequenceQc promptQc,
                         List<GeneratedSample> samples, boolean stopped, double seconds) {

    /** Bases generated per second over all samples. */
    public double basesPerSecond() {
        long n = samples.stream().mapToLong(s -> s.bases().length()).sum();
        return seconds > 0 ? n / seconds : 0;
    }
}
