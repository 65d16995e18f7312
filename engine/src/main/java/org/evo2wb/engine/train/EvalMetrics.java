package org.evo2wb.engine.train;

/**
 * What one evaluation on the validation windows reports.
 *
 * @param step                           step after which it ran
 * @param loss                           weighted next-token cross-entropy (nats), same weighting as training
 * @param bitsPerBase                    loss / ln 2
 * @param perplexity                     e^loss
 * @param targets                        targets that counted (weight &gt; 0)
 * @param improved                       whether this is the best so far
 * @param bestLoss                       best loss so far (this one if improved)
 * @param evaluationsWithoutImprovement  evaluations in a row without a new best
 */
public record EvalMetrics(long step, double loss, double bitsPerBase, double perplexity, long targets,
                          boolean improved, double bestLoss, int evaluationsWithoutImprovement) {
}
