package org.evo2wb.engine.generate;

import java.util.ArrayList;
import java.util.List;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.task.EngineTask;

/**
 * A generation in the background: progress counts bases per sample, {@link #partial()} gives the samples as they
 * grow (for a live view), and {@link #stop()} ends them where they are and still returns what was generated
 * ({@link #cancel()} discards it).
 */
public final class GenerationTask extends EngineTask<Generation> {

    private final StripedHyena model;
    private final GenerationRequest request;
    private volatile boolean stopRequested;
    private volatile List<String> partial = List.of();

    public GenerationTask(StripedHyena model, GenerationRequest request) {
        super("Generate " + request.samples() + (request.samples() == 1 ? " sample" : " samples") + " of "
                + request.length() + " bases");
        this.model = model;
        this.request = request;
    }

    @Override
    protected Generation call() {
        progress(0, request.length());
        message("Reading the prompt (" + request.prompt().length() + " bases)");
        Generation g = Generator.run(model, request, (done, samples) -> {
            List<String> copy = new ArrayList<>(samples.size());
            samples.forEach(s -> copy.add(s.toString()));
            partial = List.copyOf(copy);
            progress(done, request.length());
            message("Generated " + done + " of " + request.length() + " bases");
        }, () -> stopRequested || isCancelRequested());
        checkCancelled();
        message(String.format(java.util.Locale.ROOT, "Generated %d x %d bases (%.1f bases/s)%s", g.samples().size(),
                g.samples().isEmpty() ? 0 : g.samples().get(0).bases().length(), g.basesPerSecond(),
                g.stopped() ? ", stopped" : ""));
        return g;
    }

    /** Ends the samples where they are; the task finishes with what was generated. */
    public void stop() {
        stopRequested = true;
    }

    /** The samples' bases so far (empty before the first base). */
    public List<String> partial() {
        return partial;
    }

    public GenerationRequest request() {
        return request;
    }
}
