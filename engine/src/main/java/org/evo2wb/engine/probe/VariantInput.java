package org.evo2wb.engine.probe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.evo2wb.engine.embed.Embeddings;
import org.evo2wb.engine.embed.LayerName;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.variants.LabelledVariants;

/**
 * What a probe on variants reads of each ALT allele, from the windows {@code evo2wb variants} scores
 * ({@link LabelledVariants}), for each layer:
 *
 * <pre>
 *   alt       e = mean over the alt window of the layer's output              (W values averaged per dimension)
 *   alt-ref   e = mean over the alt window − mean over the reference window   (what the variant changed)
 * </pre>
 *
 * The paper's supervised BRCA1 classifier reads embeddings of the variant's sequence; {@code alt-ref} removes what
 * the two windows share, so a probe sees the change itself.
 */
public enum VariantInput {
    ALT("alt"),
    ALT_MINUS_REF("alt-ref");

    private final String code;

    VariantInput(String code) {
        this.code = code;
    }

    /** The name on the command line and in a saved probe. */
    public String code() {
        return code;
    }

    public static VariantInput of(String code) {
        for (VariantInput v : values()) {
            if (v.code.equals(code.toLowerCase(Locale.ROOT))) {
                return v;
            }
        }
        throw new IllegalArgumentException("variant embedding '" + code + "': expected alt or alt-ref");
    }

    /** Bases embedded for these items (progress total). */
    public long plannedBases(List<LabelledVariants.Item> items) {
        long n = 0;
        Map<String, Boolean> refs = new HashMap<>();
        for (LabelledVariants.Item i : items) {
            n += i.windows().alt().length();
            if (this == ALT_MINUS_REF && refs.putIfAbsent(key(i), true) == null) {
                n += i.windows().ref().length();
            }
        }
        return n;
    }

    /**
     * The features of every item for every layer: [layer][item][width]. Reference windows shared by several ALTs are
     * embedded once.
     */
    public float[][][] embed(StripedHyena model, List<LabelledVariants.Item> items, List<LayerName> layers, int chunk,
                             int overlap, LongConsumer progress, BooleanSupplier cancelled) {
        List<String> alts = items.stream().map(i -> i.windows().alt()).toList();
        long altBases = alts.stream().mapToLong(String::length).sum();
        float[][][] alt = Embeddings.meanPooled(model, alts, layers, chunk, overlap, progress, cancelled);
        if (this == ALT) {
            return alt;
        }
        Map<String, Integer> refIndex = new HashMap<>();
        List<String> refs = new ArrayList<>();
        int[] of = new int[items.size()];
        for (int i = 0; i < items.size(); i++) {
            Integer k = refIndex.putIfAbsent(key(items.get(i)), refs.size());
            if (k == null) {
                k = refs.size();
                refs.add(items.get(i).windows().ref());
            }
            of[i] = k;
        }
        float[][][] ref = Embeddings.meanPooled(model, refs, layers, chunk, overlap,
                d -> progress.accept(altBases + d), cancelled);
        for (int l = 0; l < alt.length; l++) {
            for (int i = 0; i < items.size(); i++) {
                float[] a = alt[l][i];
                float[] r = ref[l][of[i]];
                for (int j = 0; j < a.length; j++) {
                    a[j] -= r[j];
                }
            }
        }
        return alt;
    }

    private static String key(LabelledVariants.Item i) {
        return i.windows().start() + ":" + i.windows().ref();
    }
}
