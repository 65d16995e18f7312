package org.evo2wb.engine.model;

import ai.djl.ndarray.NDArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Records the keys, shapes and roles a model asks for, without creating any tensor (block constructors only store
 * what they get, so null stand-ins are safe). Used by the checkpoint key checker and the export writers.
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
}
