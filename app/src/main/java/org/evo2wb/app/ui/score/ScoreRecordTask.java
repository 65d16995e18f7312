package org.evo2wb.app.ui.score;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.evo2wb.bio.Feature;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.score.Scorer;
import org.evo2wb.engine.score.ScoringOptions;
import org.evo2wb.engine.score.SequenceScore;
import org.evo2wb.engine.task.EngineTask;

/**
 * Scores one stretch of a record (or a pasted sequence) with one or two models, one after the other (model B for
 * the Δ track), and builds the browser's tracks and their summaries, all off the FX thread. Progress counts tokens
 * through all models; cancellation is honoured between batches.
 */
final class ScoreRecordTask extends EngineTask<ScoreResult> {

    /** What to score and how the result is labelled. */
    record Request(String id, String sequence, int offset, int length, List<Feature> features) {

        String bases() {
            return sequence.substring(offset, offset + length);
        }
    }

    private final Request request;
    private final List<StripedHyena> networks;
    private final List<String> names;
    private final ScoringOptions options;

    /**
     * @param networks model A, then optionally model B
     * @param names their names, in the same order
     */
    ScoreRecordTask(Request request, List<StripedHyena> networks, List<String> names, ScoringOptions options) {
        super("Score " + request.id());
        this.request = request;
        this.networks = List.copyOf(networks);
        this.names = List.copyOf(names);
        this.options = options;
    }

    @Override
    protected ScoreResult call() {
        List<Scorer.Input> in = List.of(new Scorer.Input(request.id(), request.bases()));
        long per = new Scorer(networks.get(0), options).plannedTokens(in);
        long total = per * networks.size();
        progress(0, total);
        List<SequenceScore> out = new ArrayList<>();
        for (int m = 0; m < networks.size(); m++) {
            long base = m * per;
            message(String.format(Locale.ROOT, "%,d bases with model %s", request.length(), m == 0 ? "A" : "B"));
            out.add(new Scorer(networks.get(m), options).score(in, done -> progress(base + done, total),
                    this::isCancelRequested).get(0));
        }
        checkCancelled();
        message("Summarising the tracks");
        return ScoreResult.of(request.id(), request.sequence(), request.offset(), request.features(), names.get(0),
                out.get(0), names.size() > 1 ? names.get(1) : null, out.size() > 1 ? out.get(1) : null, options);
    }
}
