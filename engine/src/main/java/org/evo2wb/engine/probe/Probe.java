package org.evo2wb.engine.probe;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.evo2wb.engine.embed.Embeddings;
import org.evo2wb.engine.embed.LayerName;
import org.evo2wb.engine.io.AtomicFiles;
import org.evo2wb.engine.model.StripedHyena;

/**
 * A trained probe: a {@link LogisticRegression} on the mean-pooled output of one layer, with what it was trained on,
 * saved as JSON and applied to new sequences.
 *
 * @param format {@value #FORMAT}
 * @param model the model whose layer it reads
 * @param layer the layer name ({@link LayerName})
 * @param chunk window length used for embedding
 * @param overlap window overlap
 * @param positive what a positive label meant, in words
 * @param folds k of the cross-validation
 * @param cvAuroc the layer's cross-validated AUROC
 * @param items labelled items trained on
 * @param classifier the fitted regression (on all items)
 * @param variants for a probe on variants: what it reads of each ALT allele ({@link VariantInput#code()}); null for
 *                 a probe on sequences
 * @param window for a probe on variants: W, the window of {@code evo2wb variants}; 0 for a probe on sequences
 */
public record Probe(String format, String model, String layer, int chunk, int overlap, String positive, int folds,
                    double cvAuroc, int items, LogisticRegression classifier, String variants, int window) {

    public static final String FORMAT = "evo2wb-probe-v1";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
            .create();

    public void save(Path file) throws IOException {
        AtomicFiles.writeString(file.toAbsolutePath(), GSON.toJson(this) + "\n");
    }

    public static Probe load(Path file) throws IOException {
        Probe p;
        try {
            p = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), Probe.class);
        } catch (JsonParseException e) {
            throw new IOException(file + ": not a probe file: " + e.getMessage(), e);
        }
        if (p == null || !FORMAT.equals(p.format()) || p.classifier() == null || p.classifier().weights() == null) {
            throw new IOException(file + ": not a probe file (expected format " + FORMAT + ")");
        }
        return p;
    }

    /** One prediction. */
    public record Prediction(String id, double probability) {
    }

    /** True for a probe trained on variants (it is applied to variants, not sequences). */
    public boolean onVariants() {
        return variants != null;
    }

    /** The same probe as one on variants. */
    public Probe onVariants(VariantInput input, int window) {
        return new Probe(format, model, layer, chunk, overlap, positive, folds, cvAuroc, items, classifier,
                input.code(), window);
    }

    /** The probability of the positive class for each sequence. */
    public List<Prediction> apply(StripedHyena model, List<String> ids, List<String> sequences, LongConsumer progress,
                                  BooleanSupplier cancelled) {
        if (onVariants()) {
            throw new IllegalArgumentException("this probe was trained on variants (" + variants + " of "
                    + window + "-base windows); apply it to a VCF");
        }
        LayerName l = checkedLayer(model);
        float[][] e = Embeddings.meanPooled(model, sequences, List.of(l), chunk, overlap, progress, cancelled)[0];
        return predictions(ids, e);
    }

    /** The probability of the positive class for each ALT allele, from the windows the probe was trained on. */
    public List<Prediction> applyToVariants(StripedHyena model, org.evo2wb.engine.variants.LabelledVariants v,
                                            LongConsumer progress, BooleanSupplier cancelled) {
        if (!onVariants()) {
            throw new IllegalArgumentException("this probe was trained on sequences; apply it to sequences");
        }
        if (v.window() != window) {
            throw new IllegalArgumentException("the probe was trained on " + window + "-base windows, these are "
                    + v.window());
        }
        LayerName l = checkedLayer(model);
        float[][] e = VariantInput.of(variants).embed(model, v.items(), List.of(l), chunk, overlap, progress,
                cancelled)[0];
        return predictions(v.items().stream().map(org.evo2wb.engine.variants.LabelledVariants.Item::id).toList(), e);
    }

    private List<Prediction> predictions(List<String> ids, float[][] e) {
        List<Prediction> out = new ArrayList<>();
        for (int i = 0; i < e.length; i++) {
            out.add(new Prediction(ids.get(i), classifier.probability(toDouble(e[i]))));
        }
        return out;
    }

    private LayerName checkedLayer(StripedHyena model) {
        LayerName l = LayerName.parse(layer, model.architecture());
        if (l.width() != classifier.weights().length) {
            throw new IllegalArgumentException("the probe reads " + classifier.weights().length + " values of "
                    + layer + ", this model's layer has " + l.width() + "; apply it with the model it was trained on ("
                    + this.model + ")");
        }
        return l;
    }

    static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    public String format(Locale locale) {
        return String.format(locale, "probe on %s%s: CV AUROC %.4f over %d items (%d folds)", layer,
                onVariants() ? " (" + variants + " of " + window + "-base variant windows)" : "", cvAuroc, items,
                folds);
    }
}
