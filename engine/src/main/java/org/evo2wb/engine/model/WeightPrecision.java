package org.evo2wb.engine.model;

/** Element type weights are held in after loading; bytes per parameter. */
public enum WeightPrecision {
    FP32(4),
    FP16(2),
    BF16(2);

    private final int bytes;

    WeightPrecision(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }
}
