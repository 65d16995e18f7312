package org.evo2wb.engine.train.settings;

import static org.evo2wb.engine.train.settings.FineTuneParameters.EPOCHS;
import static org.evo2wb.engine.train.settings.FineTuneParameters.GRAD_ACCUMULATION;
import static org.evo2wb.engine.train.settings.FineTuneParameters.KEEP_LAST;
import static org.evo2wb.engine.train.settings.FineTuneParameters.LEARNING_RATE;
import static org.evo2wb.engine.train.settings.FineTuneParameters.LORA_RANK;
import static org.evo2wb.engine.train.settings.FineTuneParameters.METHOD;
import static org.evo2wb.engine.train.settings.FineTuneParameters.PATIENCE;
import static org.evo2wb.engine.train.settings.FineTuneParameters.WEIGHT_DECAY;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named starting points for the settings. A preset only changes defaults; anything the user sets wins.
 */
public enum Preset implements ValueType.Choice {
    QUICK_LORA("quick-lora", "Quick LoRA",
            "Small adapters (rank 8), one pass over the data: minutes on a GPU, a first answer to 'does it help?'.",
            Map.of(METHOD, FineTuneMethod.LORA, LORA_RANK, 8, EPOCHS, 1)),
    THOROUGH_LORA("thorough-lora", "Thorough LoRA",
            "Larger adapters (rank 32), three passes, effective batch ×4, stops early when validation stops improving.",
            Map.of(METHOD, FineTuneMethod.LORA, LORA_RANK, 32, EPOCHS, 3, GRAD_ACCUMULATION, 4,
                    LEARNING_RATE, 1e-4, PATIENCE, 5)),
    FULL("full", "Full fine-tuning",
            "Every weight trained with a small learning rate and Evo 2's weight decay 0.1; needs several times the "
                    + "model's size in memory and disk.",
            Map.of(METHOD, FineTuneMethod.FULL, EPOCHS, 2, GRAD_ACCUMULATION, 4, WEIGHT_DECAY, 0.1, PATIENCE, 3,
                    KEEP_LAST, 1));

    private final String key;
    private final String label;
    private final String description;
    private final Map<Hyperparameter<?>, Object> values;

    Preset(String key, String label, String description, Map<Hyperparameter<?>, Object> values) {
        this.key = key;
        this.label = label;
        this.description = description;
        this.values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public String label() {
        return label;
    }

    public String description() {
        return description;
    }

    /** The values this preset sets (read-only). */
    public Map<Hyperparameter<?>, Object> settings() {
        return values;
    }

    public static Preset byKey(String key) {
        for (Preset p : Preset.values()) {
            if (p.key.equalsIgnoreCase(key)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown preset '" + key + "'; known: quick-lora, thorough-lora, full");
    }
}
