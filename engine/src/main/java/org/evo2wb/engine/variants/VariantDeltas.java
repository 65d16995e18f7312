package org.evo2wb.engine.variants;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.score.Scorer;
import org.evo2wb.engine.score.ScoringOptions;
import org.evo2wb.engine.score.SequenceScore;

/**
 * The one place where a variant's Δ is computed, for {@code evo2wb variants} ({@link VariantScoring}) and
 * {@code evo2wb eval vep} alike:
 *
 * <pre>
 *   Δ = mean log P(alt window) − mean log P(ref window)        (nats per base, no BOS: the first base unscored)
 * </pre>
 *
 * The caller builds the window pairs; this class scores them with one {@link Scorer} (the same per-base scoring as
 * {@code evo2wb score}), the windows of a call batched together. A reference window (same first base, same bases)
 * is scored once for every ALT that uses it, within a call and with the call before it, so ALTs of one position
 * split over two consecutive calls still share it; memory stays bounded by two calls' windows.
 */
public final class VariantDeltas {

    /** One pair's figures: mean log-probabilities (nats) of both windows. */
    public record Delta(double refMean, double altMean) {

        /** Δ = altMean − refMean. */
        public double delta() {
            return altMean - refMean;
        }
    }

    /**
     * What one call scored.
     *
     * @param deltas one per pair, in order
     * @param referenceWindowsScored reference windows scored in this call (not taken from the call before)
     * @param bases bases of all windows scored in this call
     */
    public record Scored(List<Delta> deltas, int referenceWindowsScored, long bases) {
    }

    private final Scorer scorer;
    private Map<String, Double> previous = Map.of();

    /**
     * @param window W: the longest window (one forward pass sees a whole window)
     * @param batchSize windows per forward pass
     */
    public VariantDeltas(StripedHyena model, int window, int batchSize) {
        this.scorer = new Scorer(model, new ScoringOptions(false, false, batchSize, Math.max(2, window), 1));
    }

    /** Scores the pairs; {@code cancelled} is polled between batches. */
    public Scored score(List<VariantWindows.Pair> pairs, BooleanSupplier cancelled) {
        Map<String, Double> known = new HashMap<>();
        Map<String, Integer> refInput = new HashMap<>();
        List<Scorer.Input> inputs = new ArrayList<>();
        List<String> refKeys = new ArrayList<>();
        long bases = 0;
        for (VariantWindows.Pair p : pairs) {
            String key = key(p);
            if (previous.containsKey(key)) {
                known.put(key, previous.get(key));
            } else if (!refInput.containsKey(key)) {
                refInput.put(key, inputs.size());
                inputs.add(new Scorer.Input("ref", p.ref()));
                refKeys.add(key);
                bases += p.ref().length();
            }
            inputs.add(new Scorer.Input("alt", p.alt()));
            bases += p.alt().length();
        }
        List<SequenceScore> scores = inputs.isEmpty() ? List.of() : scorer.score(inputs, d -> { }, cancelled);
        for (String key : refKeys) {
            known.put(key, scores.get(refInput.get(key)).forwardMean());
        }
        List<Delta> out = new ArrayList<>(pairs.size());
        int next = 0;
        Map<String, Boolean> seen = new HashMap<>();
        for (VariantWindows.Pair p : pairs) {
            String key = key(p);
            if (refInput.containsKey(key) && seen.putIfAbsent(key, true) == null) {
                next++;                                       // this pair's ref window precedes its alt window
            }
            out.add(new Delta(known.get(key), scores.get(next++).forwardMean()));
        }
        previous = known;
        return new Scored(out, refKeys.size(), bases);
    }

    private static String key(VariantWindows.Pair p) {
        return p.start() + ":" + p.ref();
    }
}
