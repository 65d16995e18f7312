package org.evo2wb.engine.train;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.evo2wb.engine.train.settings.FineTuneMethod;

/**
 * Which parameters a method trains; everything else is frozen (no gradient is computed for it).
 *
 * <ul>
 *   <li>{@code full}: every parameter;</li>
 *   <li>{@code filters}: the Hyena filter parameters (short and explicit taps, modal poles and residues, skip term
 *       {@code D}) and the RMSNorm scales;</li>
 *   <li>{@code lora}: the adapter matrices ({@code lora_A}, {@code lora_B}) added to the model beforehand.</li>
 * </ul>
 */
public final class TrainableSelection {

    private static final List<String> FILTER_PARTS = List.of(
            "filter.h", "filter.D", "log_poles", "residues", "short_filter_weight", "filter.p", "filter.R",
            "filter.gamma");

    private TrainableSelection() {
    }

    public static boolean isFilterOrNorm(String name) {
        if (name.endsWith("norm.scale")) {
            return true;
        }
        return FILTER_PARTS.stream().anyMatch(name::contains);
    }

    public static boolean isAdapter(String name) {
        return name.contains("lora_A") || name.contains("lora_B");
    }

    /** The parameters the method trains (same arrays as the model's), in model order. */
    public static Map<String, NDArray> select(TrainableModel model, FineTuneMethod method) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
            boolean train = switch (method) {
                case FULL -> true;
                case FILTERS -> isFilterOrNorm(e.getKey());
                case LORA -> isAdapter(e.getKey());
            };
            if (train) {
                out.put(e.getKey(), e.getValue());
            }
        }
        if (out.isEmpty()) {
            throw new TrainingFailedException(TrainingFailedException.Kind.SETTINGS_CHECK, switch (method) {
                case LORA -> "the model has no LoRA adapters: none of the LoRA target layers matched a layer name";
                case FILTERS -> "the model has no Hyena filter or norm parameters to train";
                case FULL -> "the model has no parameters";
            });
        }
        return out;
    }

    /** Marks the selected parameters as trainable and all others as frozen. */
    public static void freezeAllBut(TrainableModel model, Map<String, NDArray> trainable) {
        for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
            e.getValue().setRequiresGradient(trainable.containsKey(e.getKey()));
        }
    }
}
