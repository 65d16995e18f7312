package org.evo2wb.app.cli;

import ai.djl.Device;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.evo2wb.engine.bench.BenchRecord;
import org.evo2wb.engine.bench.FineTuneBenchmark;
import org.evo2wb.engine.bench.ForwardBenchmark;
import org.evo2wb.engine.bench.GenerateBenchmark;
import org.evo2wb.engine.bench.GoldenParity;
import org.evo2wb.engine.bench.MemoryStats;
import org.evo2wb.engine.bench.PrecisionSpread;
import org.evo2wb.engine.bench.ScoreBenchmark;
import org.evo2wb.engine.bench.StageProfile;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.load.ModelSpec;
import org.evo2wb.engine.model.ModelArchitecture;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.score.Scorer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code evo2wb bench forward|score|train}: how fast this machine runs Evo 2 models. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure how fast this machine runs Evo 2 models (tokens per second, memory).",
        subcommands = {BenchCommand.Forward.class, BenchCommand.Score.class, FineTuneBenchmark.Command.class,
            BenchCommand.Parity.class, BenchCommand.Generate.class, ColdStartCommand.class,
            DevToolsCommand.MemoryCommand.class, DevToolsCommand.CheckpointCommand.class, MemorySoakCommand.class})
final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw Evo2wbCli.missingSubcommand(spec, "benchmark");
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
                description = "Model shape: " + ModelOptions.PRESET_NAMES + ".")
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

        @Option(names = "--stages",
                description = "Also print where a forward pass spends its time, per block kind and stage.")
        boolean stages;

        @Mixin
        DeviceOptions where;

        @Mixin
        Timing timing;

        @Option(names = "--record", paramLabel = "<file.json>",
                description = "Also add the figures as one row to this JSON array (made when missing): run, preset, "
                        + "window, batch, precision, checkpointing, tokens_per_s, peak_gib, card, date, note.")
        Path record;

        @Override
        public Integer call() throws IOException {
            positive("--length", length);
            positive("--batch", batch);
            timing.check();
            ModelArchitecture arch = presetShapes(preset, layers);
            String label = preset;
            if (layers != null) {
                label += " (first " + layers + " of " + Evo2Config.preset(preset).numLayers() + " blocks)";
            }
            Device d = where.device();
            ForwardBenchmark.Result r = ForwardBenchmark.run(label, arch, batch, length, timing.warmup, timing.reps, d,
                    where.precision());
            PrintWriter out = spec.commandLine().getOut();
            out.println(r.format() + deviceMemory(d));
            if (record != null) {
                BenchRecord.of("forward", layers == null ? preset : preset + " (first " + layers + " blocks)", length,
                        batch, where.precision().name(), false, r.tokensPerSecond(), r.peakBytes(), d,
                        String.format(Locale.ROOT, "%.1f ms per pass", r.medianSeconds() * 1e3))
                        .appendTo(record);
                out.println("recorded in " + record);
            }
            if (stages) {
                out.print(StageProfile.run(d, arch, batch, length, timing.reps, where.precision()).format());
            }
            out.flush();
            return Evo2wbCli.EXIT_OK;
        }

    }

    /**
     * The shapes of preset {@code name} (its first {@code layers} blocks where given), for random weights; the error
     * names the known presets, or the blocks the preset has.
     */
    static ModelArchitecture presetShapes(String name, Integer layers) {
        if (!Evo2Config.PRESETS.contains(name)) {
            throw new IllegalArgumentException("--preset: unknown preset '" + name + "'; known: "
                    + String.join(", ", Evo2Config.PRESETS));
        }
        ModelArchitecture arch = ModelArchitecture.of(Evo2Config.preset(name));
        return layers == null ? arch : ForwardBenchmark.firstLayers(arch, layers);
    }

    /**
     * {@code bench generate}: step-by-step generation speed after prompts of several lengths
     * ({@link GenerateBenchmark}), for a model file or a preset's shapes with random weights.
     */
    @Command(name = "generate", hidden = true, mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Time generation (bases per second) after prompts of random DNA, with a model or a preset's "
                    + "shapes with random weights.",
                "Example: evo2wb bench generate --preset evo2-7b-8k --prompts 1024,8192 --device gpu:0"})
    static final class Generate implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--preset", paramLabel = "<name>",
                description = "Random weights of a preset's shapes instead of --model: " + ModelOptions.PRESET_NAMES
                        + ".")
        String preset;

        @ArgGroup(exclusive = false)
        ModelOptions model;

        @Option(names = "--prompts", split = ",", defaultValue = "1024,8192", paramLabel = "<bases>",
                description = "Prompt lengths to time after. Default: ${DEFAULT-VALUE}.")
        List<Integer> prompts;

        @Option(names = {"--length", "--steps"}, defaultValue = "64", paramLabel = "<bases>",
                description = "Timed bases per prompt (the median step is reported). Default: ${DEFAULT-VALUE}.")
        int steps;

        @Option(names = "--warmup", defaultValue = "8", paramLabel = "<bases>",
                description = "Untimed bases first. Default: ${DEFAULT-VALUE}.")
        int warmup;

        @Option(names = "--samples", defaultValue = "1", paramLabel = "<n>",
                description = "Samples generated side by side. Default: ${DEFAULT-VALUE}.")
        int samples;

        @Option(names = "--layers", paramLabel = "<n>",
                description = "With --preset: only the first n blocks. Default: all.")
        Integer layers;

        @Mixin
        DeviceOptions where;

        @Override
        public Integer call() throws Exception {
            positive("--length", steps);
            positive("--samples", samples);
            if (warmup < 0) {
                throw new IllegalArgumentException("--warmup must be at least 0, got " + warmup);
            }
            prompts.forEach(p -> positive("--prompts", p));
            Device d = where.device();
            String label;
            StripedHyena m;
            if ((preset == null) == (model == null)) {
                throw new ParameterException(spec.commandLine(), "give either --preset or --model");
            }
            if (preset != null) {
                if (!Evo2Config.PRESETS.contains(preset)) {
                    throw new IllegalArgumentException("--preset: unknown preset '" + preset + "'; known: "
                            + String.join(", ", Evo2Config.PRESETS));
                }
                ModelArchitecture arch = ModelArchitecture.of(Evo2Config.preset(preset));
                label = preset + " (random weights)";
                if (layers != null) {
                    arch = ForwardBenchmark.firstLayers(arch, layers);
                    label += " (first " + layers + " of " + Evo2Config.preset(preset).numLayers() + " blocks)";
                }
                m = StripedHyena.random(arch, 1, d, where.precision());
            } else {
                label = model.model;
                m = model.load(where);
            }
            PrintWriter out = spec.commandLine().getOut();
            try (m) {
                for (int p : prompts) {
                    GenerateBenchmark.Result r = GenerateBenchmark.run(label, m, p, samples, warmup, steps, 1);
                    out.println(r.format() + deviceMemory(d));
                    out.flush();
                }
            }
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

        @Mixin
        DeviceOptions where;

        @Option(names = "--length", required = true, paramLabel = "<bases>", description = "Bases per sequence.")
        int length;

        @Option(names = "--batch", defaultValue = "1", paramLabel = "<n>",
                description = "Sequences scored together. Default: ${DEFAULT-VALUE}.")
        int batch;

        @Mixin
        Timing timing;

        @Override
        public Integer call() throws Exception {
            positive("--length", length);
            positive("--batch", batch);
            timing.check();
            Device d = where.device();
            try (StripedHyena m = model.spec().resolve().load(d, where.precision())) {
                double s = ScoreBenchmark.run(m, batch, length, timing.warmup, timing.reps);
                PrintWriter out = spec.commandLine().getOut();
                out.printf(Locale.ROOT, "%s, %,d parameters: score %d x %d bases: median %.1f ms, %,.0f bases/s; %s%s%n",
                        model.model, m.parameterCount(), batch, length, s * 1e3, batch * (double) length / s,
                        MemoryStats.summary(), deviceMemory(d));
                out.flush();
            }
            return Evo2wbCli.EXIT_OK;
        }
    }

    /**
     * {@code bench parity}: a precision against fp32 on the CPU, per-base log-probabilities on the golden tiny model
     * ({@link GoldenParity}, with logits and gradients against float64) and on a model over real DNA
     * ({@link PrecisionSpread}).
     */
    @Command(name = "parity", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Compare a precision with fp32 on the CPU: mean and largest |Δ| of the per-base "
                    + "log-probabilities (nats) of the golden tiny model (plus its logits and gradients against "
                    + "float64) and of a model over real DNA. Runs fp16 on the CPU too, as a check (slowly).",
                "Example: evo2wb bench parity --precision fp16 --device gpu:0 --golden engine/src/test/resources/golden "
                        + "--model default --input genome.fasta"})
    static final class Parity implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        /** Where the compared precision runs; --precision names it (fp16 or tf32 to learn anything). */
        @Mixin
        DeviceOptions where;

        @Option(names = "--golden", paramLabel = "<folder>",
                description = "Folder of the golden tiny model (tiny.pt, tiny.yml, tiny_ids.pt, tiny_ref_f64.pt, "
                        + "tiny_grads_f64.pt), e.g. engine/src/test/resources/golden in a checkout.")
        Path golden;

        /** The model scored over --input; the bundled one when left out. */
        @ArgGroup(exclusive = false)
        ModelOptions model;

        @Option(names = "--preset", paramLabel = "<name>",
                description = "Score --input with random weights of a preset's shapes instead of a model (the same "
                        + "weights in both precisions): " + ModelOptions.PRESET_NAMES + ".")
        String preset;

        @Option(names = "--layers", paramLabel = "<n>",
                description = "With --preset: only the first n blocks (for shapes larger than the memory). "
                        + "Default: all.")
        Integer layers;

        @Option(names = "--input", arity = "1..*", paramLabel = "<file>",
                description = "Sequence files (FASTA, GenBank, EMBL; compressed or not) to score.")
        List<Path> input;

        @Option(names = "--length", defaultValue = "1024", paramLabel = "<bases>",
                description = "Bases per scored stretch. Default: ${DEFAULT-VALUE}.")
        int length;

        @Option(names = "--max-bases", defaultValue = "65536", paramLabel = "<bases>",
                description = "Bases scored in all, from the start of the records. Default: ${DEFAULT-VALUE}.")
        long maxBases;

        @Override
        public Integer call() throws Exception {
            if (golden == null && input == null) {
                throw new IllegalArgumentException("name --golden FOLDER, --input FILE..., or both");
            }
            if (preset != null && (model != null || input == null)) {
                throw new IllegalArgumentException("--preset: " + (model != null ? "not with --model (one or the other)"
                        : "name the sequences to score with --input FILE..."));
            }
            if (layers != null && preset == null) {
                throw new IllegalArgumentException("--layers: only with --preset");
            }
            if (layers != null) {
                positive("--layers", layers);
            }
            positive("--length", length);
            if (length < 2 || maxBases < 2) {
                throw new IllegalArgumentException("--length and --max-bases must be at least 2");
            }
            Device d = where.device();
            Precision p = where.requestedPrecision();
            String what = p.name().toLowerCase(Locale.ROOT) + " on " + d;
            PrintWriter out = spec.commandLine().getOut();
            if (golden != null) {
                GoldenParity.Report r = GoldenParity.run(golden, d, p);
                out.println("golden tiny model, " + what + " against float64: " + r.format());
                out.println("golden tiny model, " + what + " against fp32 on the CPU: "
                        + GoldenParity.spread(golden, d, p).format());
                out.flush();
            }
            if (input != null) {
                List<Scorer.Input> stretches = PrecisionSpread.stretches(
                        Inputs.scorerInputs(Inputs.records(input), new CaseOption()), length, maxBases);
                PrecisionSpread s;
                String name;
                if (preset != null) {
                    ModelArchitecture arch = presetShapes(preset, layers);
                    name = preset + " (random weights" + (layers == null ? "" : ", first " + layers + " blocks") + ")";
                    try (StripedHyena reference = StripedHyena.random(arch, 1234, Device.cpu(), Precision.FP32);
                         StripedHyena candidate = StripedHyena.random(arch, 1234, d, p)) {
                        s = PrecisionSpread.compare(reference, candidate, stretches);
                    }
                } else {
                    ModelSpec.Resolved m = ModelOptions.specOrDefault(model).resolve();
                    name = m.name();
                    try (StripedHyena reference = m.load(Device.cpu(), Precision.FP32);
                         StripedHyena candidate = m.load(d, p)) {
                        s = PrecisionSpread.compare(reference, candidate, stretches);
                    }
                }
                out.printf(Locale.ROOT, "%s over %d stretches of up to %,d bases, %s against fp32 on the CPU: %s%n",
                        name, stretches.size(), length, what, s.format());
                out.flush();
            }
            return Evo2wbCli.EXIT_OK;
        }
    }

    /** How many untimed and timed repetitions a benchmark runs. */
    static final class Timing {

        @Option(names = "--warmup", defaultValue = "2", paramLabel = "<n>",
                description = "Untimed repetitions first. Default: ${DEFAULT-VALUE}.")
        int warmup;

        @Option(names = "--reps", defaultValue = "5", paramLabel = "<n>",
                description = "Timed repetitions (the median is reported). Default: ${DEFAULT-VALUE}.")
        int reps;

        void check() {
            if (warmup < 0) {
                throw new IllegalArgumentException("--warmup must be at least 0, got " + warmup);
            }
            positive("--reps", reps);
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
