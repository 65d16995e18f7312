package org.evo2wb.app.cli;

import ai.djl.Device;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.evo2wb.engine.bench.FineTuneBenchmark;
import org.evo2wb.engine.bench.ForwardBenchmark;
import org.evo2wb.engine.bench.MemoryStats;
import org.evo2wb.engine.bench.ScoreBenchmark;
import org.evo2wb.engine.config.Evo2Config;
import org.evo2wb.engine.model.ModelArchitecture;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.train.Devices;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** {@code evo2wb bench forward|score|train}: how fast this machine runs Evo 2 models. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure how fast this machine runs Evo 2 models (tokens per second, memory).",
        subcommands = {BenchCommand.Forward.class, BenchCommand.Score.class, BenchCommand.Train.class,
            ColdStartCommand.class})
final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing benchmark: name one of "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /** {@code bench forward}: forward passes of a preset's shapes with random weights ({@link ForwardBenchmark}). */
    @Command(name = "forward", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Time forward passes of a model of a preset's size with random weights (no download "
                    + "needed) and report tokens per second and memory.",
                "Example: evo2wb bench forward --preset evo2-7b-8k --length 8192 --device gpu:0"})
    static final class Forward implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--preset", required = true, paramLabel = "<name>",
                description = "Model shape: evo2-1b-8k, evo2-7b-8k, evo2-7b-262k, evo2-7b-1m, evo2-20b-1m, "
                        + "evo2-40b-8k, evo2-40b-1m.")
        String preset;

        @Option(names = "--length", required = true, paramLabel = "<bases>", description = "Sequence length.")
        int length;

        @Option(names = "--batch", defaultValue = "1", paramLabel = "<n>",
                description = "Sequences per pass. Default: ${DEFAULT-VALUE}.")
        int batch;

        @Option(names = "--layers", paramLabel = "<n>",
                description = "Time only the first n blocks (for models larger than the device's memory). "
                        + "Default: all.")
        Integer layers;

        @Option(names = "--device", defaultValue = "auto", paramLabel = "<auto|cpu|gpu:N>",
                description = "Where to run. Default: ${DEFAULT-VALUE}.")
        String device;

        @Option(names = "--warmup", defaultValue = "2", paramLabel = "<n>",
                description = "Untimed passes first. Default: ${DEFAULT-VALUE}.")
        int warmup;

        @Option(names = "--reps", defaultValue = "5", paramLabel = "<n>",
                description = "Timed passes (the median is reported). Default: ${DEFAULT-VALUE}.")
        int reps;

        @Override
        public Integer call() {
            positive("--length", length);
            positive("--batch", batch);
            positive("--reps", reps);
            if (!Evo2Config.PRESETS.contains(preset)) {
                throw new IllegalArgumentException("--preset: unknown preset '" + preset + "'; known: "
                        + String.join(", ", Evo2Config.PRESETS));
            }
            ModelArchitecture arch = ModelArchitecture.of(Evo2Config.preset(preset));
            String label = preset;
            if (layers != null) {
                arch = ForwardBenchmark.firstLayers(arch, layers);
                label += " (first " + layers + " of " + Evo2Config.preset(preset).numLayers() + " blocks)";
            }
            Device d = Devices.resolve(device);
            ForwardBenchmark.Result r = ForwardBenchmark.run(label, arch, batch, length, Math.max(0, warmup), reps, d,
                    Precision.FP32);
            PrintWriter out = spec.commandLine().getOut();
            out.println(r.format() + deviceMemory(d));
            out.flush();
            return Evo2wbCli.EXIT_OK;
        }
    }

    /** {@code bench score}: scoring speed of a model ({@link ScoreBenchmark#run}). */
    @Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Time scoring of random DNA with a model and report bases per second.",
                "Example: evo2wb bench score --model evo2_7b.pt --length 8192 --batch 4"})
    static final class Score implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ModelOptions model;

        @Option(names = "--length", required = true, paramLabel = "<bases>", description = "Bases per sequence.")
        int length;

        @Option(names = "--batch", defaultValue = "1", paramLabel = "<n>",
                description = "Sequences scored together. Default: ${DEFAULT-VALUE}.")
        int batch;

        @Option(names = "--warmup", defaultValue = "2", paramLabel = "<n>",
                description = "Untimed calls first. Default: ${DEFAULT-VALUE}.")
        int warmup;

        @Option(names = "--reps", defaultValue = "5", paramLabel = "<n>",
                description = "Timed calls (the median is reported). Default: ${DEFAULT-VALUE}.")
        int reps;

        @Override
        public Integer call() throws Exception {
            positive("--length", length);
            positive("--batch", batch);
            positive("--reps", reps);
            Device d = model.device();
            try (StripedHyena m = model.spec().resolve().load(d, model.precision())) {
                double s = ScoreBenchmark.run(m, batch, length, Math.max(0, warmup), reps);
                PrintWriter out = spec.commandLine().getOut();
                out.printf(Locale.ROOT, "%s, %,d parameters: score %d x %d bases: median %.1f ms, %,.0f bases/s; %s%s%n",
                        model.model, m.parameterCount(), batch, length, s * 1e3, batch * (double) length / s,
                        MemoryStats.summary(), deviceMemory(d));
                out.flush();
            }
            return Evo2wbCli.EXIT_OK;
        }
    }

    /** {@code bench train}: a short real fine-tuning run ({@link FineTuneBenchmark}). */
    @Command(name = "train", mixinStandardHelpOptions = true,
            description = {"Time a short fine-tuning run (settings check, steps, evaluation, checkpoints) and report "
                    + "seconds per step and tokens per second.",
                "Arguments: --fasta FILE[,FILE...] and either --preset NAME (random weights of that size) or "
                        + "--checkpoint FILE.pt --config FILE.yml; optionally --steps N (default 20), --gpu I, "
                        + "--folder DIR, and any fine-tuning setting as --<setting> <value> (see evo2wb finetune "
                        + "--help), e.g. --devices gpu:0,gpu:1 to share each batch between two GPUs.",
                "--scaling N (or a list such as gpu:0,gpu:1) runs twice, on the first device with the batch size "
                        + "given and on all N with N times that batch, and reports the speed-up and the scaling "
                        + "efficiency (speed-up / N).",
                "Example: evo2wb bench train --fasta phages.fasta --preset evo2-1b-8k --gpu 0 --method lora "
                        + "--window-length 1024 --batch-size 2",
                "Example: evo2wb bench train --fasta phages.fasta --preset evo2-1b-8k --scaling 2 --method lora "
                        + "--window-length 8192 --batch-size 1"})
    static final class Train implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Unmatched
        List<String> arguments = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            out.println(FineTuneBenchmark.run(arguments.toArray(String[]::new)));
            out.flush();
            return Evo2wbCli.EXIT_OK;
        }
    }

    static void positive(String flag, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(flag + " must be at least 1, got " + value);
        }
    }

    static String deviceMemory(Device d) {
        long used = MemoryStats.deviceUsed(d);
        return used < 0 ? "" : String.format(Locale.ROOT, "; GPU memory in use %.2f GiB", used / 1073741824.0);
    }
}
