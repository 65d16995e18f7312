package org.evo2wb.app.cli;

import ai.djl.Device;
import java.io.IOException;
import org.evo2wb.engine.load.ModelSpec;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.train.Devices;
import org.evo2wb.engine.train.FineTuneParameters;
import picocli.CommandLine.Option;

/** The options that name a model and where it runs, shared by every command that loads one. */
final class ModelOptions {

    @Option(names = "--model", required = true, paramLabel = "<model>",
            description = "The Evo 2 model: a weights file (.pt, the first shard .pt.part0, or .safetensors), a "
                    + "fine-tuning run folder, or 'default' for the model bundled with the workbench.")
    String model;

    @Option(names = "--config", paramLabel = "<yaml|preset>",
            description = "The model's config: a YAML file in the official Evo 2 format, or a preset name. "
                    + "Default: a .yml next to the weights, else the preset whose shapes the weights fit.")
    String config;

    @Option(names = "--preset", paramLabel = "<name>",
            description = "A bundled model config: evo2-1b-8k, evo2-7b-8k, evo2-7b-262k, evo2-7b-1m, evo2-20b-1m, "
                    + "evo2-40b-8k, evo2-40b-1m.")
    String preset;

    @Option(names = "--device", paramLabel = "<auto|cpu|gpu:N>", defaultValue = "auto",
            description = "Where to run: auto (the first GPU if there is one, else the CPU), cpu, gpu or gpu:N. "
                    + "Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--precision", paramLabel = "<fp32>", defaultValue = "fp32",
            description = "Number format of the matrix products. Default: ${DEFAULT-VALUE}.")
    String precision;

    ModelSpec spec() {
        return new ModelSpec(model, config, preset);
    }

    Device device() {
        String d = device.trim().toLowerCase(java.util.Locale.ROOT);
        if (!d.matches("auto|cpu|gpu|gpu:\\d+")) {
            throw new IllegalArgumentException("--device: '" + device + "' is not auto, cpu, gpu or gpu:N");
        }
        return Devices.resolve(d);
    }

    Precision precision() {
        try {
            return FineTuneParameters.PRECISION.type().parse(precision).requireSupported();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--precision: " + e.getMessage(), e);
        }
    }

    /** Resolves and loads the model. */
    StripedHyena load() throws IOException {
        return spec().resolve().load(device(), precision());
    }
}
