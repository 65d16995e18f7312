package org.evo2wb.engine.score;

import java.util.List;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.task.EngineTask;

/**
 * Scores sequences in the background: progress counts tokens through the model, cancellation is honoured between
 * batches, and no gradient graph is ever built (grad mode is off on the task's thread).
 */
public final class ScoringTask extends EngineTask<List<SequenceScore>> {

    private final Scorer scorer;
    private final List<Scorer.Input> inputs;

    public ScoringTask(StripedHyena model, List<Scorer.Input> inputs, ScoringOptions options) {
        super("Score " + inputs.size() + (inputs.size() == 1 ? " sequence" : " sequences"));
        this.scorer = new Scorer(model, options);
        this.inputs = List.copyOf(inputs);
    }

    @Override
    protected List<SequenceScore> call() {
        long total = scorer.plannedTokens(inputs);
        progress(0, total);
        message("Scoring " + inputs.size() + " sequences (" + total + " tokens)");
        List<SequenceScore> out = scorer.score(inputs, done -> progress(done, total), this::isCancelRequested);
        message("Scored " + out.size() + " sequences");
        return out;
    }
}
