package org.evo2wb.engine.model;

import ai.djl.ndarray.NDArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Records the keys, shapes and roles a model asks for, without creating any tensor (block constructors only store
 * what they get, so null stand-ins are safe). The one table of a model's checkpoint keys and the one parameter
 * count: {@link Evo2Config#checkpointShapes}, {@link Evo2Config#parameterCount} and
 * {@link StripedHyena#parameterCount} all come from here, so they cannot disagree with the blocks that read the
 * weights.
 */
public final class ExpectedParameters implements ParameterSource {

    /** One expected tensor. */
    public record Entry(String key, ParameterKind kind, long[] shape) {
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    @Override
    public NDArray get(String key, ParameterKind kind, long... shape) {
        entries.put(key, new Entry(key, kind, shape.clone()));
        return null;
    }

    /** Every key the model reads, in checkpoint order. */
    public Map<String, Entry> entries() {
        return Collections.unmodifiableMap(entries);
    }

    /** The expected tensors of a model with this architecture, in checkpoint order. */
    public static Map<String, Entry> of(ModelArchitecture arch) {
        ExpectedParameters rec = new ExpectedParameters();
        StripedHyena.buildParts(arch, rec, Precision.FP32, MasterWeights.FP32);
        return rec.entries();
    }

    /**
     * Keys and shapes of the released vortex checkpoints of this architecture (spec §4.3), in the model's reading
     * order. {@code unembed.weight} (a copy of the tied embedding that the files carry) is listed after the embedding
     * only when {@code withUnembed}.
     */
    public static Map<String, long[]> shapes(ModelArchitecture arch, boolean withUnembed) {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (Entry e : of(arch).values()) {
            out.put(e.key(), e.shape().clone());
            if (withUnembed && e.kind() == ParameterKind.EMBEDDING) {
                out.put(UNEMBED, e.shape().clone());
            }
        }
        return out;
    }

    /** Parameters of this architecture: every expected tensor but the RoPE {@code inv_freq} buffers. */
    public static long parameterCount(ModelArchitecture arch) {
        long n = 0;
        for (Entry e : of(arch).values()) {
            if (e.kind() != ParameterKind.ROTARY_INV_FREQ) {
                long p = 1;
                for (long d : e.shape()) {
                    p *= d;
                }
                n += p;
            }
        }
        return n;
    }

    /** The key of the unembedding the released files carry beside the tied embedding. */
    static final String UNEMBED = "unembed.weight";
}
