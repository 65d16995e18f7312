package org.evo2wb.engine.train.settings;

/** What a fine-tuning run changes in the model. */
public enum FineTuneMethod implements ValueType.Choice {
    /** Low-rank adapters on chosen linear layers; the base weights stay frozen (Hu et al. 2021, arXiv 2106.09685). */
    LORA("lora", "LoRA adapters (small, fast)"),
    /** Every parameter of the model is trained. */
    FULL("full", "Full fine-tuning (all weights)"),
    /** Only the Hyena filter parameters and the RMSNorm scales are trained. */
    FILTERS("filters", "Hyena filters and norms only");

    private final String key;
    private final String label;

    FineTuneMethod(String key, String label) {
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
