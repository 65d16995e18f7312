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
 */
public record Probe(String format, String model, String layer, int chunk, int overlap, String positive, int folds,
                    double cvAuroc, int items, LogisticRegression classifier) {

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

    /** The probability of the positive class for each sequence. */
    public List<Prediction> apply(StripedHyena model, List<String> ids, List<String> sequences, LongConsumer progress,
                                  BooleanSupplier cancelled) {
        LayerName l = LayerName.parse(layer, model.architecture());
        if (l.width() != classifier.weights().length) {
            throw new IllegalArgumentException("the probe reads " + classifier.weights().length + " values of "
                    + layer + ", this model's layer has " + l.width() + "; apply it with the model it was trained on ("
                    + model + ")");
        }
        float[][] e = Embeddings.meanPooled(model, sequences, List.of(l), chunk, overlap, progress, cancelled)[0];
        List<Prediction> out = new ArrayList<>();
        for (int i = 0; i < e.length; i++) {
            out.add(new Prediction(ids.get(i), classifier.probability(toDouble(e[i]))));
        }
        return out;
    }

    static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    public String format(Locale locale) {
        return String.format(locale, "probe on %s: CV AUROC %.4f over %d items (%d folds)", layer, cvAuroc, items,
                folds);
    }
}
