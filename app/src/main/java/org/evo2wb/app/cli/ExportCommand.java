package org.evo2wb.app.cli;

import ai.djl.Device;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.evo2wb.engine.model.ModelExport;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.train.run.FineTunedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code evo2wb export}: the model of a fine-tuning run ({@link FineTunedModel}, LoRA merged) as a weights file
 * ({@link ModelExport}), or its LoRA adapter in PEFT layout.
 */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Save the result of a fine-tuning run as a model file that the official Evo 2 package and "
                + "this workbench can load, or as a LoRA adapter.",
            "Uses the run's best checkpoint (lowest validation loss), else its newest one; LoRA adapters are merged "
                    + "into the weights.",
            "Example: evo2wb export --run runs/phage1 --format pt --out phage1.pt"})
final class ExportCommand implements Callable<Integer> {

    /** What to write. */
    enum Format { pt, safetensors, adapter }

    /** Number format of the weights. */
    enum Dtype { bf16, fp32 }

    @Spec
    CommandSpec spec;

    @Option(names = "--run", required = true, paramLabel = "<folder>", description = "The fine-tuning run folder.")
    Path run;

    @Option(names = "--format", required = true, paramLabel = "<pt|safetensors|adapter>",
            description = "pt: a torch.save file in the released Evo 2 layout (same key names, same types, with "
                    + "unembed.weight); safetensors: the same tensors as safetensors; adapter: the LoRA adapter alone "
                    + "(a folder with adapter_model.safetensors and adapter_config.json).")
    Format format;

    @Option(names = "--out", required = true, paramLabel = "<path>",
            description = "The file to write (a folder for --format adapter).")
    Path out;

    @Option(names = "--dtype", defaultValue = "bf16", paramLabel = "<bf16|fp32>",
            description = "bf16: as the released files (bf16 weights, fp32 filter poles and residues); fp32: every "
                    + "value as trained, twice the size. Default: ${DEFAULT-VALUE}.")
    Dtype dtype;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        if (format == Format.adapter) {
            long step = FineTunedModel.writeAdapter(run, out);
            o.println("wrote the LoRA adapter of step " + step + " to " + out);
            o.flush();
            return Evo2wbCli.EXIT_OK;
        }
        if (Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out: " + out + " is a folder; name the file to write");
        }
        ModelExport.Dtypes d = dtype == Dtype.fp32 ? ModelExport.Dtypes.FP32 : ModelExport.Dtypes.RELEASED;
        try (FineTunedModel m = FineTunedModel.load(run, Device.cpu(), Precision.FP32, true)) {
            if (format == Format.pt) {
                ModelExport.writePt(m.model(), out, d);
            } else {
                ModelExport.writeSafetensors(m.model(), out, d);
            }
            o.printf("wrote %s: the model of step %d (%s checkpoint), %s%n", out, m.step(),
                    m.best() ? "best" : "newest", d == ModelExport.Dtypes.FP32 ? "fp32" : "released layout, bf16");
        }
        o.flush();
        return Evo2wbCli.EXIT_OK;
    }
}
