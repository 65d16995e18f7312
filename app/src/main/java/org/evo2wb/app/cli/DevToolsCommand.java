package org.evo2wb.app.cli;

import ai.djl.Device;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.evo2wb.engine.bench.CheckpointBenchmark;
import org.evo2wb.engine.bench.TrainingMemoryBenchmark;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.score.SelfTest;
import org.evo2wb.engine.train.Pretrain;
import org.evo2wb.engine.train.settings.FineTuneSettings;
import org.evo2wb.engine.train.settings.Hyperparameter;
import org.evo2wb.engine.train.settings.SettingFlags;
import org.evo2wb.engine.train.settings.InvalidSettingsException;
import org.evo2wb.engine.train.settings.SettingsProblem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Developer programs that are not part of the user guide, reachable only as hidden subcommands:
 * {@code evo2wb pretrain}, {@code evo2wb selftest-table}, {@code evo2wb bench memory} and
 * {@code evo2wb bench checkpoint}.
 */
final class DevToolsCommand {

    private DevToolsCommand() {
    }

    /** {@code evo2wb pretrain}: trains a model of a given shape from random weights ({@link Pretrain}). */
    @Command(name = "pretrain", hidden = true, mixinStandardHelpOptions = true, sortOptions = false,
            modelTransformer = SettingFlags.class,
            description = {"Pre-train a model of the shape in --model-config from random weights on the training files "
                    + "(method full); writes a run folder and the trained weights with their config.",
                "Example: evo2wb pretrain --model-config tiny.yml --out run phages.fasta --max-steps 200"})
    static final class PretrainCommand implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--model-config", required = true, paramLabel = "MODEL.yml",
                description = "The shape of the model to pre-train (an Evo 2 config YAML).")
        Path config;

        @Option(names = "--out", required = true, paramLabel = "RUN_FOLDER", description = "The new run folder.")
        Path out;

        @Option(names = "--init-seed", paramLabel = "N", defaultValue = "1",
                description = "Seed of the random initial weights (default ${DEFAULT-VALUE}).")
        long initSeed;

        @Option(names = "--validation-file", paramLabel = "FILE",
                description = "Separate validation files (default: split off the training files).")
        List<Path> validation = new ArrayList<>();

        @Parameters(arity = "1..*", paramLabel = "TRAINING_FILE", description = "Training sequence files.")
        List<Path> train;

        @Override
        public Integer call() throws Exception {
            Map<Hyperparameter<?>, String> given = SettingFlags.given(spec);
            FineTuneSettings.Builder b = FineTuneSettings.builder(null);
            List<SettingsProblem> problems = SettingFlags.apply(b, given);
            if (!problems.isEmpty()) {
                throw new InvalidSettingsException("command line", problems);
            }
            Pretrain.Spec s = new Pretrain.Spec(Evo2Config.load(config), initSeed, train, validation,
                    b.build("command line"), out);
            Pretrain.Result r = Pretrain.run(s, List.of(new Pretrain.ConsoleListener()));
            PrintWriter w = spec.commandLine().getOut();
            w.printf(Locale.ROOT, "%s%nmodel: %s (%,d parameters)%n", r.training().message(), r.weights(),
                    r.parameters());
            w.flush();
            return Evo2wbCli.EXIT_OK;
        }
    }

    /** {@code evo2wb selftest-table}: writes the self-test values of a model ({@link SelfTest}). */
    @Command(name = "selftest-table", hidden = true, mixinStandardHelpOptions = true, sortOptions = false,
            description = "Score the standard self-test sequences with a model (fp32 on the CPU) and write their "
                    + "expected values, for evo2wb selftest to compare with later.")
    static final class SelfTestTableCommand implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "CHECKPOINT", description = "The model's weights.")
        Path checkpoint;

        @Parameters(index = "1", paramLabel = "CONFIG.yml", description = "The model's config.")
        Path config;

        @Parameters(index = "2", paramLabel = "OUT.tsv", description = "The self-test file to write.")
        Path out;

        @Option(names = "--tolerance", paramLabel = "NATS", description = "Allowed difference of a mean "
                + "log-likelihood (default: the self-test's own).")
        Double tolerance;

        @Override
        public Integer call() throws Exception {
            Evo2Config c = Evo2Config.load(config);
            double tol = tolerance == null ? SelfTest.DEFAULT_TOLERANCE : tolerance;
            PrintWriter w = spec.commandLine().getOut();
            try (StripedHyena model = StripedHyena.load(checkpoint, c, Device.cpu(), Precision.FP32)) {
                List<SelfTest.Case> cases = SelfTest.generate(model, SelfTest.standardSequences(), tol);
                SelfTest.write(out, c.modelName() + " (" + checkpoint.getFileName() + ")", cases);
                cases.forEach(k -> w.printf(Locale.ROOT, "%-12s %5d bases  mean %.6f%n", k.id(),
                        k.sequence().length(), k.expectedMean()));
            }
            w.flush();
            return Evo2wbCli.EXIT_OK;
        }
    }

    /** {@code evo2wb bench memory}: the memory two training steps take ({@link TrainingMemoryBenchmark}). */
    @Command(name = "memory", hidden = true, mixinStandardHelpOptions = true, sortOptions = false,
            description = "Measure the memory of two fine-tuning steps of a model shape with random weights on the "
                    + "CPU, beside the estimate the Fine-tune view shows.")
    static final class MemoryCommand implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "CONFIG.yml", description = "The model's shape.")
        Path config;

        @Parameters(index = "1", paramLabel = "METHOD", description = "lora, full or filters.")
        String method;

        @Parameters(index = "2", paramLabel = "BATCH", description = "Batch size.")
        String batch;

        @Parameters(index = "3", paramLabel = "WINDOW", description = "Window length.")
        String window;

        @Option(names = "--rank", paramLabel = "R", description = "LoRA rank (default: the setting's).")
        String rank;

        @Override
        public Integer call() throws Exception {
            Evo2Config c = Evo2Config.load(config);
            FineTuneSettings.Builder b = FineTuneSettings.builder(null).setText("method", method)
                    .setText("batch-size", batch).setText("window-length", window);
            if (rank != null) {
                b.setText("lora-rank", rank);
            }
            TrainingMemoryBenchmark.Result r = TrainingMemoryBenchmark.measure(c, b,
                    Files.createTempDirectory("evo2wb-memory"));
            PrintWriter w = spec.commandLine().getOut();
            w.println(c.modelName() + " " + method + " batch " + batch + " window " + window + ": " + r.format());
            w.flush();
            return Evo2wbCli.EXIT_OK;
        }
    }

    /** {@code evo2wb bench checkpoint}: reading speed of a checkpoint, or a synthetic one written. */
    @Command(name = "checkpoint", hidden = true, mixinStandardHelpOptions = true, sortOptions = false,
            description = {"read FILE: open a checkpoint and widen every tensor, reporting time and heap.",
                "synth PRESET OUT.pt: write a checkpoint of a preset's shapes with random values.",
                "crc FILE.pt: reading speed of a .pt file with and without checking its CRC-32s."})
    static final class CheckpointCommand implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "read|synth|crc", description = "What to do.")
        String action;

        @Parameters(index = "1..*", paramLabel = "ARG", description = "FILE, or PRESET OUT.pt.")
        List<String> args = new ArrayList<>();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (action.equals("read") && args.size() == 1) {
                CheckpointBenchmark.read(Path.of(args.get(0)));
            } else if (action.equals("synth") && args.size() == 2) {
                CheckpointBenchmark.synth(args.get(0), Path.of(args.get(1)));
            } else if (action.equals("crc") && args.size() == 1) {
                spec.commandLine().getOut().println(CheckpointBenchmark.crcCost(Path.of(args.get(0)), 3));
                spec.commandLine().getOut().flush();
            } else {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "use: bench checkpoint read FILE | synth PRESET OUT.pt | crc FILE.pt");
            }
            return Evo2wbCli.EXIT_OK;
        }
    }
}
