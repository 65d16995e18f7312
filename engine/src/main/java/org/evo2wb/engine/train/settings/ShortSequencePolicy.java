package org.evo2wb.engine.train.settings;

/** What to do with a record shorter than the training window. */
public enum ShortSequencePolicy implements ValueType.Choice {
    /** Pad the window to full length and leave the padding out of the loss. */
    PAD("pad", "Pad and mask the padding out of the loss"),
    /** Stop before training, naming the record. */
    REJECT("reject", "Refuse, naming the short record");

    private final String key;
    private final String label;

    ShortSequencePolicy(String key, String label) {
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
