package org.evo2wb.engine.embed;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import org.evo2wb.bio.dataset.Evo2Tokenizer;
import org.evo2wb.engine.model.GradMode;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.score.Windows;

/**
 * Per-base outputs of chosen layers ({@link LayerName}) for a sequence, streamed window by window so memory stays
 * bounded for long sequences: the sequence's bytes (no BOS) are cut into windows of at most C tokens overlapping by
 * O as in scoring ({@link Windows}); base t is taken from the earliest window that holds it with the most left
 * context (base 0 from the first window). With length ≤ C this is one forward, and the values equal the forward's
 * intermediates.
 */
public final class Embedder {

    /** Receives one stretch of bases of one layer: {@code count} rows of {@code width} values, row-major. */
    @FunctionalInterface
    public interface Sink {
        void accept(LayerName layer, long firstBase, float[] rows, int count);
    }

    private final StripedHyena model;
    private final List<LayerName> layers;
    private final int chunk;
    private final int overlap;

    public Embedder(StripedHyena model, List<LayerName> layers, int chunk, int overlap) {
        if (chunk < 2 || overlap < 1 || overlap >= chunk) {
            throw new IllegalArgumentException("need a chunk of at least 2 and 1 <= overlap < chunk, got " + chunk
                    + "/" + overlap);
        }
        this.model = model;
        this.layers = List.copyOf(layers);
        this.chunk = chunk;
        this.overlap = overlap;
    }

    public List<LayerName> layers() {
        return layers;
    }

    /** Embeds one sequence, passing every base's rows to {@code sink} in order (per layer). */
    public void embed(String sequence, Sink sink, BooleanSupplier cancelled) {
        long[] tokens = Evo2Tokenizer.encodeLongs(sequence, false);
        if (tokens.length == 0) {
            return;
        }
        List<Windows> windows = tokens.length == 1 ? List.of(new Windows(0, 1, 1, 0))
                : Windows.plan(tokens.length, chunk, overlap);
        Map<String, LayerName> byTrace = new HashMap<>();
        for (LayerName l : layers) {
            byTrace.putIfAbsent(l.trace(), l);
        }
        boolean first = true;
        try (GradMode g = GradMode.disabled()) {
            for (Windows w : windows) {
                if (cancelled.getAsBoolean()) {
                    throw new CancellationException("embedding cancelled");
                }
                int from = first ? 0 : w.firstTarget();
                int to = first ? Math.max(0, w.lastTarget()) : w.lastTarget();
                first = false;
                if (from > to) {
                    continue;
                }
                long[] ids = java.util.Arrays.copyOfRange(tokens, w.start(), w.end());
                int a = from - w.start();
                int count = to - from + 1;
                Map<String, float[]> got = new HashMap<>();
                try (NDManager m = model.manager().newSubManager(); NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray tok = m.create(ids, new Shape(1, ids.length));
                    NDArray logits = model.forward(tok, (name, value) -> {
                        if (byTrace.containsKey(name)) {
                            got.put(name, value.get("0, " + a + ":" + (a + count) + ", :").toType(
                                    ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray());
                        }
                    });
                    logits.close();
                }
                for (LayerName l : layers) {
                    sink.accept(l, from, got.get(l.trace()), count);
                }
            }
        }
    }
}
