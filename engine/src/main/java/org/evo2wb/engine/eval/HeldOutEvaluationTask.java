package org.evo2wb.engine.eval;

import java.util.List;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.task.EngineTask;

/**
 * {@link HeldOutEvaluation#run} as a background task: the Markov models are fitted first, then progress counts the
 * tokens the model has scored; cancellation is checked between Markov fits and between batches.
 */
public final class HeldOutEvaluationTask extends EngineTask<HeldOutEvaluation.Result> {

    private final StripedHyena model;
    private final List<? extends CharSequence> training;
    private final List<? extends CharSequence> validation;
    private final HeldOutEvaluation.Options options;

    public HeldOutEvaluationTask(StripedHyena model, List<? extends CharSequence> training,
                                 List<? extends CharSequence> validation, HeldOutEvaluation.Options options) {
        super("Held-out bits per base");
        this.model = model;
        this.training = List.copyOf(training);
        this.validation = List.copyOf(validation);
        this.options = options;
    }

    @Override
    protected HeldOutEvaluation.Result call() {
        long total = (long) options.window()
                * HeldOutEvaluation.segments(validation, options.window(), options.maxSegments()).size();
        progress(0, total);
        message("Fitting Markov models of order " + options.minOrder() + " to " + options.maxOrder()
                + ", then scoring " + total + " bases");
        HeldOutEvaluation.Result r = HeldOutEvaluation.run(model, training, validation, options,
                done -> progress(done, total), this::isCancelRequested);
        message(r.format());
        return r;
    }
}
