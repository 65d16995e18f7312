package org.evo2wb.engine.embed;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.evo2wb.engine.io.AtomicFiles;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.score.Scorer;

/**
 * The front door for embeddings: every record through {@link Embedder}, per base or mean-pooled over the record,
 * written to an {@link EmbeddingFile} as they come (atomically: a failed or cancelled run leaves no file).
 */
public final class Embeddings {

    /** The longest stretch one forward pass sees, by default (bases). */
    public static final int DEFAULT_CHUNK = 8192;

    /** Bases shared by consecutive windows of a long record, by default. */
    public static final int DEFAULT_OVERLAP = 1024;

    /** What a run produced. */
    public record Summary(int records, long bases, int layers, double seconds) {

        public String format() {
            return String.format(Locale.ROOT, "%,d records, %,d bases, %d layer(s) in %.1f s (%,.0f bases/s)",
                    records, bases, layers, seconds, bases / Math.max(1e-9, seconds));
        }
    }

    private Embeddings() {
    }

    /**
     * @param mean mean-pool over each record (else every base)
     * @param progress receives bases embedded so far
     */
    public static Summary write(StripedHyena model, List<Scorer.Input> records, List<LayerName> layers, boolean mean,
                                int chunk, int overlap, Path out, LongConsumer progress, BooleanSupplier cancelled)
            throws IOException {
        EmbeddingFile.Format format = EmbeddingFile.formatOf(out);
        Embedder embedder = new Embedder(model, layers, chunk, overlap);
        List<String> ids = new ArrayList<>();
        List<Integer> lengths = new ArrayList<>();
        for (Scorer.Input r : records) {
            ids.add(r.id());
            lengths.add(r.sequence().length());
        }
        long t0 = System.nanoTime();
        long[] bases = new long[1];
        AtomicFiles.write(out.toAbsolutePath(), tmp -> {
            try (EmbeddingFile f = EmbeddingFile.open(tmp, format, layers, ids, lengths, mean)) {
                for (int r = 0; r < records.size(); r++) {
                    int rec = r;
                    double[][] sums = new double[layers.size()][];
                    for (int k = 0; k < layers.size(); k++) {
                        sums[k] = new double[layers.get(k).width()];
                    }
                    IOException[] failure = new IOException[1];
                    embedder.embed(records.get(r).sequence(), (layer, first, rows, count) -> {
                        if (failure[0] != null) {
                            return;
                        }
                        if (mean) {
                            double[] s = sums[layers.indexOf(layer)];
                            int w = layer.width();
                            for (int i = 0; i < count; i++) {
                                for (int j = 0; j < w; j++) {
                                    s[j] += rows[i * w + j];
                                }
                            }
                        } else {
                            try {
                                f.rows(rec, layer, first, rows, count);
                            } catch (IOException e) {
                                failure[0] = e;
                            }
                        }
                        if (layer == layers.get(0)) {
                            bases[0] += count;
                            progress.accept(bases[0]);
                        }
                    }, cancelled);
                    if (failure[0] != null) {
                        throw failure[0];
                    }
                    if (mean) {
                        int n = lengths.get(r);
                        for (int k = 0; k < layers.size(); k++) {
                            float[] v = new float[sums[k].length];
                            for (int j = 0; j < v.length; j++) {
                                v[j] = n == 0 ? Float.NaN : (float) (sums[k][j] / n);
                            }
                            f.mean(r, layers.get(k), v);
                        }
                    }
                }
            }
        });
        return new Summary(records.size(), bases[0], layers.size(), (System.nanoTime() - t0) / 1e9);
    }

    /** Mean-pooled embeddings of each record for each layer, in memory: [layer][record][width] (for probes). */
    public static float[][][] meanPooled(StripedHyena model, List<String> sequences, List<LayerName> layers, int chunk,
                                         int overlap, LongConsumer progress, BooleanSupplier cancelled) {
        Embedder embedder = new Embedder(model, layers, chunk, overlap);
        float[][][] out = new float[layers.size()][sequences.size()][];
        long[] bases = new long[1];
        for (int r = 0; r < sequences.size(); r++) {
            double[][] sums = new double[layers.size()][];
            for (int k = 0; k < layers.size(); k++) {
                sums[k] = new double[layers.get(k).width()];
            }
            embedder.embed(sequences.get(r), (layer, first, rows, count) -> {
                double[] s = sums[layers.indexOf(layer)];
                int w = layer.width();
                for (int i = 0; i < count; i++) {
                    for (int j = 0; j < w; j++) {
                        s[j] += rows[i * w + j];
                    }
                }
                if (layer == layers.get(0)) {
                    bases[0] += count;
                    progress.accept(bases[0]);
                }
            }, cancelled);
            int n = sequences.get(r).length();
            for (int k = 0; k < layers.size(); k++) {
                float[] v = new float[sums[k].length];
                for (int j = 0; j < v.length; j++) {
                    v[j] = (float) (sums[k][j] / Math.max(1, n));
                }
                out[k][r] = v;
            }
        }
        return out;
    }
}
