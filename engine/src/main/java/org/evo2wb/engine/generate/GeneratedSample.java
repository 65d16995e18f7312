package org.evo2wb.engine.generate;

/**
 * One generated continuation.
 *
 * @param index 0-based sample number
 * @param bases the generated bases (the prompt not included)
 * @param meanLogLikelihood the model's own mean log P(base | everything before it) over the generated bases, under
 *                          its full prediction (nats; a random base scores ln ¼ = −1.386)
 * @param qc composition and structure of the bases
 */
public record GeneratedSample(int index, String bases, double meanLogLikelihood, SequenceQc qc) {
}
