package org.evo2wb.engine.variants;

import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.task.EngineTask;

/**
 * {@link VariantScoring#run} as a background task: progress counts VCF records (or bytes while a reference index is
 * built), cancellation between batches; a cancelled run continues from its journal when started again.
 */
public final class VariantsTask extends EngineTask<VariantScoring.Summary> {

    private final StripedHyena model;
    private final VariantScoring.Request request;

    public VariantsTask(StripedHyena model, VariantScoring.Request request) {
        super("Score variants of " + request.vcf().getFileName());
        this.model = model;
        this.request = request;
    }

    @Override
    protected VariantScoring.Summary call() throws Exception {
        VariantScoring.Summary s = VariantScoring.run(model, request, (phase, done, total) -> {
            message(phase);
            progress(Math.max(0, done), total);
        }, this::isCancelRequested);
        message(s.format());
        return s;
    }
}
