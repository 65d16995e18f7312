package org.evo2wb.engine.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.evo2wb.engine.embed.Embeddings;
import org.evo2wb.engine.embed.LayerName;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.variants.LabelledVariants;

/**
 * Which layer carries the signal: mean-pooled embeddings of labelled sequences for each layer, a cross-validated
 * AUROC per layer ({@link CrossValidation}), and a probe fitted on all items for the best layer.
 */
public final class ProbeTraining {

    /**
     * @param layers layer names to compare
     * @param folds k
     * @param lambda L2 strength
     * @param seed fold assignment seed
     * @param chunk embedding window
     * @param overlap embedding window overlap
     */
    public record Options(List<LayerName> layers, int folds, double lambda, long seed, int chunk, int overlap) {
    }

    /** One layer's figure. */
    public record LayerResult(String layer, double cvAuroc) {
    }

    /**
     * @param layers CV AUROC per layer, in the order asked
     * @param best the probe of the layer with the highest CV AUROC, fitted on all items
     */
    public record Report(List<LayerResult> layers, Probe best, int positives, int negatives) {

        public String format() {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%d positive, %d negative items%n",
                    positives, negatives));
            for (LayerResult r : layers) {
                sb.append(String.format(Locale.ROOT, "  %-32s CV AUROC %.4f%s%n", r.layer(), r.cvAuroc(),
                        r.layer().equals(best.layer()) ? "  (best; saved)" : ""));
            }
            return sb.toString().stripTrailing();
        }
    }

    private ProbeTraining() {
    }

    public static Report run(StripedHyena model, String modelName, List<String> sequences, boolean[] labels,
                             String positive, Options o, LongConsumer progress, BooleanSupplier cancelled) {
        if (sequences.size() != labels.length) {
            throw new IllegalArgumentException(sequences.size() + " sequences but " + labels.length + " labels");
        }
        CrossValidation.folds(labels, o.folds(), o.seed());          // class counts checked before embedding
        float[][][] e = Embeddings.meanPooled(model, sequences, o.layers(), o.chunk(), o.overlap(), progress,
                cancelled);
        return fromEmbeddings(e, labels, modelName, positive, o);
    }

    /**
     * The same on the labelled ALT alleles of a VCF: each allele's features are {@code input} of its windows
     * ({@link VariantInput}); the saved probe remembers them and the window, so it is applied to variants the same
     * way.
     */
    public static Report runOnVariants(StripedHyena model, String modelName, LabelledVariants variants,
                                       VariantInput input, String positive, Options o, LongConsumer progress,
                                       BooleanSupplier cancelled) {
        boolean[] labels = variants.labels();
        CrossValidation.folds(labels, o.folds(), o.seed());
        float[][][] e = input.embed(model, variants.items(), o.layers(), o.chunk(), o.overlap(), progress, cancelled);
        Report r = fromEmbeddings(e, labels, modelName, positive, o);
        return new Report(r.layers(), r.best().onVariants(input, variants.window()), r.positives(), r.negatives());
    }

    /** The same from embeddings already computed: [layer][item][width]. */
    public static Report fromEmbeddings(float[][][] e, boolean[] labels, String modelName, String positive,
                                        Options o) {
        List<LayerResult> results = new ArrayList<>();
        int best = 0;
        double[][][] x = new double[e.length][][];
        for (int k = 0; k < e.length; k++) {
            x[k] = new double[e[k].length][];
            for (int i = 0; i < e[k].length; i++) {
                x[k][i] = Probe.toDouble(e[k][i]);
            }
            double auroc = CrossValidation.run(x[k], labels, o.folds(), o.lambda(), o.seed()).auroc();
            results.add(new LayerResult(o.layers().get(k).name(), auroc));
            if (auroc > results.get(best).cvAuroc()) {
                best = k;
            }
        }
        int pos = 0;
        for (boolean b : labels) {
            pos += b ? 1 : 0;
        }
        LogisticRegression fit = LogisticRegression.fit(x[best], labels, o.lambda());
        Probe probe = new Probe(Probe.FORMAT, modelName, o.layers().get(best).name(), o.chunk(), o.overlap(),
                positive, o.folds(), results.get(best).cvAuroc(), labels.length, fit, null, 0);
        return new Report(results, probe, pos, labels.length - pos);
    }
}
