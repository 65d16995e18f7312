package org.evo2wb.engine.score;

import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.task.EngineTask;

/**
 * Runs a {@link Mutagenesis} in the background: progress counts substitutions scored, cancellation is honoured
 * between batches.
 */
public final class MutagenesisTask extends EngineTask<Mutagenesis.Result> {

    private final Mutagenesis mutagenesis;
    private final Mutagenesis.Region region;

    public MutagenesisTask(StripedHyena model, Mutagenesis.Region region, ScoringOptions options) {
        super("Mutagenesis of " + region.id() + ":" + (region.start() + 1) + "-" + region.end());
        this.mutagenesis = new Mutagenesis(model, options);
        this.region = region;
    }

    public Mutagenesis.Region region() {
        return region;
    }

    @Override
    protected Mutagenesis.Result call() {
        long total = Mutagenesis.plannedVariants(region);
        progress(0, total);
        message(String.format(java.util.Locale.ROOT, "%,d substitutions in a %,d-base window", total,
                region.windowEnd() - region.windowStart()));
        Mutagenesis.Result r = mutagenesis.run(region, done -> progress(done, total), this::isCancelRequested);
        message("Scored " + total + " substitutions");
        return r;
    }
}
