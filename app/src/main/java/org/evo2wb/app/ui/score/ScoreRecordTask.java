package org.evo2wb.app.ui.score;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.score.Scorer;
import org.evo2wb.engine.score.ScoringOptions;
import org.evo2wb.engine.score.SequenceScore;
import org.evo2wb.engine.task.EngineTask;

/**
 * Scores one sequence with one or two models, one after the other (model B for the Δ track). Progress counts
 * tokens through all models; cancellation is honoured between batches.
 */
final class ScoreRecordTask extends EngineTask<List<SequenceScore>> {

    private final List<StripedHyena> networks;
    private final Scorer.Input input;
    private final ScoringOptions options;

    ScoreRecordTask(List<StripedHyena> networks, Scorer.Input input, ScoringOptions options) {
        super("Score " + input.id());
        this.networks = List.copyOf(networks);
        this.input = input;
        this.options = options;
    }

    @Override
    protected List<SequenceScore> call() {
        List<Scorer.Input> in = List.of(input);
        long per = new Scorer(networks.get(0), options).plannedTokens(in);
        long total = per * networks.size();
        progress(0, total);
        List<SequenceScore> out = new ArrayList<>();
        for (int m = 0; m < networks.size(); m++) {
            long base = m * per;
            message(String.format(Locale.ROOT, "%,d bases with model %s", input.sequence().length(),
                    m == 0 ? "A" : "B"));
            out.add(new Scorer(networks.get(m), options).score(in, done -> progress(base + done, total),
                    this::isCancelRequested).get(0));
        }
        return out;
    }
}
