package org.evo2wb.engine.train;

/** Number format of the forward and backward pass. Trainable weights and optimiser moments are always fp32. */
public enum Precision implements ValueType.Choice {
    /** Everything in fp32: slowest, most exact; the only choice on CPU. */
    FP32("fp32", "fp32 (exact)"),
    /** Matrix products in bf16 with fp32 master weights, as Evo 2 was trained; needs a GPU. */
    BF16_MIXED("bf16-mixed", "bf16 mixed precision (GPU)");

    private final String key;
    private final String label;

    Precision(String key, String label) {
        this.key = key;
        this.label = label;
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public String label() {
        return label;
    }
}
