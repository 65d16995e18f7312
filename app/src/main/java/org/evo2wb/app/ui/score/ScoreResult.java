package org.evo2wb.app.ui.score;

import java.util.ArrayList;
import java.util.List;
import org.evo2wb.bio.Feature;
import org.evo2wb.engine.score.FeatureScores;
import org.evo2wb.engine.score.ScoringOptions;
import org.evo2wb.engine.score.SequenceScore;

/**
 * A scored stretch as the browser shows it: the record (or pasted sequence) it belongs to, the scored bases
 * {@code [offset, offset + length)}, the scores of one model (A, the current model) and optionally of a second (B),
 * and the tracks built from them.
 *
 * @param id record id (or {@code pasted})
 * @param sequence the whole record as scored (upper-cased when that option was on)
 * @param offset first scored base, 0-based on the record
 * @param features the record's features (empty for a pasted sequence)
 * @param modelA name of model A
 * @param a scores under model A
 * @param modelB name of model B, or null
 * @param b scores under model B, or null
 * @param options how both were scored
 * @param tracks the browser's tracks
 * @param featureRows mean log P per CDS, gene and RNA feature ({@link FeatureScores})
 */
record ScoreResult(String id, String sequence, int offset, List<Feature> features, String modelA, SequenceScore a,
                   String modelB, SequenceScore b, ScoringOptions options, List<Track> tracks,
                   List<FeatureScores.Row> featureRows) {

    static ScoreResult of(String id, String sequence, int offset, List<Feature> features, String modelA,
                          SequenceScore a, String modelB, SequenceScore b, ScoringOptions options) {
        List<Track> tracks = new ArrayList<>();
        tracks.add(new Track("logprob", "log P(base) · A: " + modelA, Track.Kind.LOG_PROB,
                new TrackSummary(a.logProbs())));
        if (b != null) {
            tracks.add(new Track("logprob_b", "log P(base) · B: " + modelB, Track.Kind.LOG_PROB,
                    new TrackSummary(b.logProbs())));
        }
        tracks.add(new Track("entropy", "entropy · A: " + modelA, Track.Kind.ENTROPY,
                new TrackSummary(a.entropies())));
        if (b != null) {
            tracks.add(new Track("delta", "Δ log P  B (" + modelB + ") − A (" + modelA + ")", Track.Kind.DELTA,
                    new TrackSummary(delta(a, b))));
        }
        return new ScoreResult(id, sequence, offset, List.copyOf(features), modelA, a, modelB, b, options,
                List.copyOf(tracks), FeatureScores.of(features, offset, a.logProbs(), b == null ? null
                        : b.logProbs()));
    }

    /**
     * The same result with every track drawn as a centred moving mean over {@code window} bases
     * ({@link Smoothing}); itself for a window of 1.
     */
    ScoreResult smoothed(int window) {
        if (window <= 1) {
            return this;
        }
        List<Track> out = new ArrayList<>();
        for (Track t : tracks) {
            out.add(new Track(t.key(), t.title() + " · mean of " + window + " bases", t.kind(),
                    new TrackSummary(Smoothing.movingMean(t.data().values(), window))));
        }
        return new ScoreResult(id, sequence, offset, features, modelA, a, modelB, b, options, List.copyOf(out),
                featureRows);
    }

    /** B − A per base (NaN where either is NaN). */
    static float[] delta(SequenceScore a, SequenceScore b) {
        float[] d = new float[a.logProbs().length];
        for (int i = 0; i < d.length; i++) {
            d[i] = b.logProbs()[i] - a.logProbs()[i];
        }
        return d;
    }

    /** Number of scored bases. */
    int length() {
        return a.length();
    }

    /** One past the last scored base. */
    int end() {
        return offset + length();
    }

    Track track(String key) {
        return tracks.stream().filter(t -> t.key().equals(key)).findFirst().orElse(null);
    }

    /** The scored bases. */
    String scoredBases() {
        return a.sequence();
    }
}
