package org.evo2wb.app.cli;

import ai.djl.Device;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.evo2wb.engine.bench.MemorySoak;
import org.evo2wb.engine.load.ModelSpec;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.train.settings.FineTuneSettings;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code evo2wb bench memory-soak}: resident memory, heap and live tensors over a long run ({@link MemorySoak}). */
@Command(name = "memory-soak", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train (LoRA, CPU, fp32) and score in loops for a long time and report how resident memory, "
                + "the Java heap and the live tensors change: start, middle and end, and the slope over the second "
                + "half (flat is good).",
            "Example: evo2wb bench memory-soak --model default --steps 2000 --records 1000"})
final class MemorySoakCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** The model; the bundled one when left out. */
    @ArgGroup(exclusive = false)
    ModelOptions model;

    @Option(names = "--steps", defaultValue = "2000", paramLabel = "<n>",
            description = "Training steps (0: none). Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--records", defaultValue = "1000", paramLabel = "<n>",
            description = "Records of 512 random bases scored one by one (0: none). Default: ${DEFAULT-VALUE}.")
    int records;

    @Option(names = "--max-minutes", defaultValue = "0", paramLabel = "<min>",
            description = "Stop each soak after the step or record that crosses this many minutes and report what "
                    + "was done (0: no limit). Default: ${DEFAULT-VALUE}.")
    double maxMinutes;

    @Option(names = "--every", defaultValue = "0", paramLabel = "<n>",
            description = "Sample every n steps or records (0: 50 samples over the run). Default: ${DEFAULT-VALUE}.")
    int every;

    @Override
    public Integer call() throws Exception {
        ModelSpec.Resolved m = ModelOptions.specOrDefault(model).resolve();
        PrintWriter out = spec.commandLine().getOut();
        Duration limit = Duration.ofMillis(Math.round(maxMinutes * 60_000));
        try (StripedHyena net = m.load(Device.cpu(), Precision.FP32)) {
            if (records > 0) {
                out.println(MemorySoak.scoring(m.name() + " scoring", net, records, 512,
                        every > 0 ? every : Math.max(1, records / 50), limit, x -> {
                            out.println(x.format("record"));
                            out.flush();
                        }).format());
                out.flush();
            }
            if (steps > 0) {
                FineTuneSettings.Builder b = FineTuneSettings.builder(null).setText("method", "lora")
                        .setText("batch-size", "2").setText("window-length", "256");
                out.println(MemorySoak.training(m.name() + " LoRA fine-tuning", net, b, steps,
                        every > 0 ? every : Math.max(1, steps / 50),
                        Files.createTempDirectory("evo2wb-soak").resolve("run"), limit, x -> {
                            out.println(x.format("step"));
                            out.flush();
                        }).format());
                out.flush();
            }
        }
        return Evo2wbCli.EXIT_OK;
    }
}
