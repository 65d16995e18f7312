package org.evo2wb.engine.model;

import ai.djl.ndarray.types.DataType;

/**
 * Numeric precision of a forward pass. Parameters and activations are always held in fp32; the precision only
 * chooses the data type the matrix products ({@link Linear}) are computed in.
 *
 * <p>{@link #FP32} is the reference and the only mode validated against the goldens. {@link #FP16} casts GEMM inputs
 * to half precision and the product back to fp32 (meant for GPUs). {@link #TF32} names the Ampere+ tensor-core mode;
 * DJL 0.36 exposes no switch for PyTorch's {@code allow_tf32}, so it is declared for the settings surface but refused
 * until the engine can set it.
 */
public enum Precision {
    FP32(DataType.FLOAT32, true),
    TF32(DataType.FLOAT32, false),
    FP16(DataType.FLOAT16, false);

    private final DataType gemmType;
    private final boolean supported;

    Precision(DataType gemmType, boolean supported) {
        this.gemmType = gemmType;
        this.supported = supported;
    }

    /** Data type of the matrix-product inputs. */
    public DataType gemmType() {
        return gemmType;
    }

    /** Whether this engine build validates and accepts the mode. */
    public boolean isSupported() {
        return supported;
    }

    /** Throws with a readable message if the mode is not available yet. */
    public Precision requireSupported() {
        if (!supported) {
            throw new UnsupportedOperationException(
                    "precision " + this + " is not available yet; use FP32 (the validated reference path)");
        }
        return this;
    }
}
