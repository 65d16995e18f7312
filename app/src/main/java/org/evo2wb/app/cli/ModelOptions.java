package org.evo2wb.app.cli;

import java.io.IOException;
import org.evo2wb.engine.checkpoint.Integrity;
import org.evo2wb.engine.load.ModelSpec;
import org.evo2wb.engine.model.StripedHyena;
import picocli.CommandLine.Option;

/**
 * The options that name a model, the same in every command that takes one: {@code @Mixin} where the model is
 * required, {@code @ArgGroup(exclusive = false)} where it may be left out (then the field is null, and
 * {@code --config} without {@code --model} is a usage error). Where it runs is {@link DeviceOptions}.
 */
final class ModelOptions {

    /** The bundled presets for help texts ({@code Evo2Config.PRESETS}; a test keeps the two equal). */
    static final String PRESET_NAMES = "evo2-1b-8k, evo2-7b-8k, evo2-7b-262k, evo2-7b-1m, evo2-20b-1m, evo2-40b-8k, "
            + "evo2-40b-1m";

    @Option(names = "--model", required = true, paramLabel = "<model>",
            description = "The Evo 2 model: a weights file (.pt, the first shard .pt.part0, or .safetensors), a "
                    + "fine-tuning run folder, a BioNeMo checkpoint (a Megatron Bridge folder or its iter_* folder, "
                    + "a Savanna folder or mp_rank_00_model_states.pt), or 'default' for the model bundled with the "
                    + "workbench.")
    String model;

    @Option(names = "--base-model", paramLabel = "<folder>",
            description = "For a BioNeMo LoRA checkpoint (adapters only): the Megatron Bridge folder of the model it "
                    + "was fine-tuned from. Default: the base model its run_config.yaml records.")
    String baseModel;

    @Option(names = "--config", paramLabel = "<yaml|preset>",
            description = "The model's config: a YAML file in the official Evo 2 format, or a preset name ("
                    + PRESET_NAMES + "). Default: a .yml next to the weights, else the preset whose "
                    + "shapes the weights fit.")
    String config;

    @Option(names = "--trust-checkpoint",
            description = "Skip checking a .pt file's CRC-32 checksums as it loads (for a file already checked; a "
                    + "damaged file then loads with wrong weights).")
    boolean trustCheckpoint;

    /** The model of optional options ({@code @ArgGroup}, null when left out): the bundled one when left out. */
    static ModelSpec specOrDefault(ModelOptions options) {
        return options == null ? new ModelSpec("default", null) : options.spec();
    }

    ModelSpec spec() {
        return new ModelSpec(model, config, trustCheckpoint ? Integrity.TRUSTED : Integrity.CHECKED, baseModel);
    }

    /** Resolves and loads the model where {@code where} says. */
    StripedHyena load(DeviceOptions where) throws IOException {
        return spec().resolve().load(where.device(), where.precision());
    }
}
