package org.evo2wb.engine.eval;

import java.util.List;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.task.EngineTask;

/** {@link VariantEffect#run} as a background task: progress counts scored variants, cancellation between batches. */
public final class VariantEffectTask extends EngineTask<VariantEffect.Report> {

    private final StripedHyena model;
    private final List<VariantTable.Variant> variants;
    private final VariantEffect.Reference reference;
    private final VariantEffect.Options options;

    public VariantEffectTask(StripedHyena model, List<VariantTable.Variant> variants, VariantEffect.Reference reference,
                             VariantEffect.Options options) {
        super("Score " + variants.size() + " variants");
        this.model = model;
        this.variants = List.copyOf(variants);
        this.reference = reference;
        this.options = options;
    }

    @Override
    protected VariantEffect.Report call() {
        long total = variants.size();
        progress(0, total);
        message("Scoring " + VariantEffect.plannedWindows(variants, reference, options) + " windows of "
                + options.window() + " bases");
        VariantEffect.Report r = VariantEffect.run(model, variants, reference, options, done -> progress(done, total),
                this::isCancelRequested);
        message(r.format());
        return r;
    }
}
