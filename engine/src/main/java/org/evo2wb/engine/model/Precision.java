package org.evo2wb.engine.model;

import ai.djl.ndarray.types.DataType;

/**
 * Numeric precision of a model's computation. Parameters, the residual stream, norms, softmax and the FFT
 * convolutions are always fp32; the precision chooses how the matrix products of the linear layers ({@link Linear})
 * are computed.
 *
 * <ul>
 *   <li>{@link #FP32}: fp32 products, the reference validated against the goldens.</li>
 *   <li>{@link #TF32}: the same fp32 code, with the GPU's tensor cores computing fp32 products in TF32 (10-bit
 *       mantissa inputs, fp32 sums). Whether they do is fixed when PyTorch starts, see {@link PrecisionSupport}.</li>
 *   <li>{@link #FP16}: fp16-mixed: each linear layer multiplies an fp16 copy of its input by an fp16 copy of its
 *       weight (fp32 master weights are kept and trained) and returns the product as fp32. Training adds dynamic
 *       loss scaling.</li>
 * </ul>
 * Where each can be chosen: {@link PrecisionSupport}.
 */
public enum Precision {
    FP32(DataType.FLOAT32),
    TF32(DataType.FLOAT32),
    FP16(DataType.FLOAT16);

    private final DataType gemmType;

    Precision(DataType gemmType) {
        this.gemmType = gemmType;
    }

    /** Data type of the matrix-product inputs. */
    public DataType gemmType() {
        return gemmType;
    }

    /** Whether the linear layers compute in half precision (fp16-mixed). */
    public boolean isHalf() {
        return gemmType == DataType.FLOAT16;
    }
}
