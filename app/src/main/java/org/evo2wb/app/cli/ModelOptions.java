package org.evo2wb.app.cli;

import ai.djl.Device;
import java.io.IOException;
import org.evo2wb.engine.load.ModelSpec;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.PrecisionSupport;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.train.Devices;
import org.evo2wb.engine.train.FineTuneParameters;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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
            description = "Where to run: auto (the first GPU that passes the start-up check, else the CPU), cpu, "
                    + "gpu or gpu:N. "
                    + "Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--precision", paramLabel = "<fp32|tf32|fp16>", defaultValue = "fp32",
            description = "How the matrix products are computed: fp32; tf32 (a GPU, with the workbench started as "
                    + "EVO2WB_TF32=1 ./evo2wb ...); fp16 (fp16-mixed, a GPU). evo2wb devices lists what each device "
                    + "offers. Default: ${DEFAULT-VALUE}.")
    String precision;

    /** Where notes go (GPUs passed over by auto); null when these options were made by hand. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    private Device resolved;

    ModelSpec spec() {
        return new ModelSpec(model, config, preset);
    }

    /**
     * The device named by --device (resolved once). With auto, a GPU that failed the start-up check is passed over
     * and the reason printed on standard error; a GPU named outright that failed it is refused with the reason.
     */
    Device device() {
        if (resolved == null) {
            String d = device.trim().toLowerCase(java.util.Locale.ROOT);
            if (!d.matches("auto|cpu|gpu|gpu:\\d+")) {
                throw new IllegalArgumentException("--device: '" + device + "' is not auto, cpu, gpu or gpu:N");
            }
            Devices.Choice c = Devices.choose(d);
            if (!c.note().isEmpty() && mixee != null) {
                mixee.commandLine().getErr().println(c.note());
                mixee.commandLine().getErr().flush();
            }
            resolved = c.device();
        }
        return resolved;
    }

    /** The precision named by --precision, checked against the device (why not, and what to do, when it cannot). */
    Precision precision() {
        Precision p;
        try {
            p = FineTuneParameters.PRECISION.type().parse(precision);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--precision: " + e.getMessage(), e);
        }
        String problem = PrecisionSupport.problem(p, device());
        if (!problem.isEmpty()) {
            throw new IllegalArgumentException("--precision " + precision.trim() + " on " + device() + ": " + problem);
        }
        return p;
    }

    /** Resolves and loads the model. */
    StripedHyena load() throws IOException {
        return spec().resolve().load(device(), precision());
    }
}
