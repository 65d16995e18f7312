package org.evo2wb.engine.bionemo;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.evo2wb.engine.model.Evo2Config;

/**
 * Where a BioNeMo job starts from. The recipe trains from Megatron Bridge checkpoints and its README says to make them
 * from the {@code arcinstitute/savanna_evo2_*} checkpoints (the released vortex {@code .pt} files lack what training
 * needs). A released model therefore maps to its Savanna checkpoint and the recipe's model size; weights of our own
 * (a fine-tuned export, or any model of a released shape) need the vortex → Megatron Bridge converter first.
 *
 * @param modelSize   the recipe's {@code --model-size} key ({@code evo2_7b} …)
 * @param savannaRepo the Savanna checkpoint to fetch ({@code arcinstitute/savanna_evo2_7b}); set for every model size
 * @param released    true when the starting weights are the released model itself (fetch and convert the Savanna
 *                    checkpoint); false when they are weights of our own that must be converted
 * @param weights     the weights the workbench would start from (for the README)
 * @param seqLength   the model's context length ({@code max_seqlen}), for the converter's {@code --seq-length}
 */
public record StartingModel(String modelSize, String savannaRepo, boolean released, Path weights, int seqLength) {

    /** A released Evo 2 model: our preset name, its released file stem, the recipe's model size. */
    private record Released(String preset, String modelSize) {}

    private static final List<Released> RELEASED = List.of(
            new Released("evo2-1b-8k", "evo2_1b_base"),
            new Released("evo2-7b-8k", "evo2_7b_base"),
            new Released("evo2-7b-1m", "evo2_7b"),
            new Released("evo2-20b-1m", "evo2_20b"),
            new Released("evo2-40b-8k", "evo2_40b_base"),
            new Released("evo2-40b-1m", "evo2_40b"));

    /** The recipe model sizes a released model maps to, in the recipe's names. */
    public static List<String> modelSizes() {
        return RELEASED.stream().map(Released::modelSize).toList();
    }

    /**
     * Finds the recipe model for a starting model: by the weights' file name ({@code evo2_7b.pt}, as released) or the
     * config's model name ({@code evo2-7b-1m}, as in our presets).
     *
     * @param weights    the weights file
     * @param config     its config
     * @param fineTuned  true when the weights are a fine-tuned result (always converted, never fetched)
     * @throws IllegalArgumentException when the model is none of the released Evo 2 models (the message says which
     *                                  ones the recipe trains)
     */
    public static StartingModel of(Path weights, Evo2Config config, boolean fineTuned) {
        String file = weights.getFileName().toString().toLowerCase(Locale.ROOT);
        String stem = file.replaceFirst("\\.(pt|safetensors)(\\.part\\d+)?$", "");
        String name = config.modelName() == null ? "" : config.modelName().toLowerCase(Locale.ROOT);
        Optional<Released> byFile = RELEASED.stream().filter(r -> r.modelSize().equals(stem)).findFirst();
        Optional<Released> byName = RELEASED.stream()
                .filter(r -> r.preset().equals(name) || r.modelSize().equals(name)).findFirst();
        Released r = byFile.or(() -> byName).orElseThrow(() -> new IllegalArgumentException(
                weights + ": BioNeMo's Evo 2 recipe trains the released Evo 2 models only ("
                        + String.join(", ", modelSizes()) + "); this model (" + (name.isBlank() ? "no model name"
                        : "model name '" + config.modelName() + "'") + ", " + config.numLayers() + " blocks of width "
                        + config.hiddenSize() + ") is none of them"));
        boolean released = !fineTuned && byFile.isPresent();
        return new StartingModel(r.modelSize(), "arcinstitute/savanna_" + r.modelSize(), released, weights,
                config.maxSeqlen());
    }
}
