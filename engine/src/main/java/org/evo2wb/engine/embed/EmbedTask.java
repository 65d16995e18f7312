package org.evo2wb.engine.embed;

import java.nio.file.Path;
import java.util.List;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.score.Scorer;
import org.evo2wb.engine.task.EngineTask;

/** {@link Embeddings#write} as a background task: progress counts bases, cancellation between windows. */
public final class EmbedTask extends EngineTask<Embeddings.Summary> {

    private final StripedHyena model;
    private final List<Scorer.Input> records;
    private final List<LayerName> layers;
    private final boolean mean;
    private final int chunk;
    private final int overlap;
    private final Path out;

    public EmbedTask(StripedHyena model, List<Scorer.Input> records, List<LayerName> layers, boolean mean, int chunk,
                     int overlap, Path out) {
        super("Embed " + records.size() + " records");
        this.model = model;
        this.records = List.copyOf(records);
        this.layers = List.copyOf(layers);
        this.mean = mean;
        this.chunk = chunk;
        this.overlap = overlap;
        this.out = out;
    }

    @Override
    protected Embeddings.Summary call() throws Exception {
        long total = records.stream().mapToLong(r -> r.sequence().length()).sum();
        progress(0, total);
        Embeddings.Summary s = Embeddings.write(model, records, layers, mean, chunk, overlap, out,
                d -> progress(d, total), this::isCancelRequested);
        message(s.format());
        return s;
    }
}
