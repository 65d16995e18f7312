package org.evo2wb.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.evo2wb.app.TestData;
import org.evo2wb.engine.model.Evo2Config;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Every command that takes a model names it with the same options, help text and checks. */
class ModelOptionsTest {

    private static Map<String, CommandSpec> commands() {
        return Cli.commands();
    }

    private static List<String> having(String option) {
        return commands().entrySet().stream().filter(e -> e.getValue().findOption(option) != null)
                .map(Map.Entry::getKey).toList();
    }

    @Test
    void theModelAndDeviceOptionsAreTheSameEverywhere() {
        assertEquals(List.of("bench generate", "bench memory-soak", "bench parity", "bench score", "check-gradients",
                "crash-soak", "embed", "eval markov", "eval vep", "finetune", "generate", "mutagenesis", "probe apply",
                "probe train", "score", "selftest", "trace", "variants"), having("--model"));
        // bench train names its model by --preset or --checkpoint with --config (a YAML file), as its scripts do
        assertEquals(having("--model"), having("--config").stream().filter(c -> !c.equals("bench train")).toList());
        assertEquals(List.of("bench forward", "bench generate", "bench parity", "bench score", "bench train",
                "check-gradients",
                "embed", "eval markov", "eval vep", "finetune", "generate", "mutagenesis", "pretrain", "probe apply",
                "probe train", "score", "selftest", "trace", "variants"), having("--device"));

        CommandSpec reference = CommandSpec.forAnnotatedObject(new ModelOptions());
        CommandSpec devices = CommandSpec.forAnnotatedObject(new DeviceOptions());
        for (Map.Entry<String, CommandSpec> c : commands().entrySet()) {
            for (CommandSpec ref : List.of(reference, devices)) {
                for (OptionSpec expected : ref.options()) {
                    OptionSpec o = c.getValue().findOption(expected.longestName());
                    if (o == null || List.of("finetune", "pretrain", "bench train").contains(c.getKey())
                            && ref == devices || c.getKey().equals("bench train") && ref == reference) {
                        continue;                  // training's --device and --precision are its settings
                    }
                    String where = c.getKey() + " " + expected.longestName();
                    assertArrayEquals(expected.description(), o.description(), where);
                    assertEquals(expected.paramLabel(), o.paramLabel(), where);
                    assertEquals(expected.defaultValue(), o.defaultValue(), where);
                }
            }
        }
        assertEquals(String.join(", ", Evo2Config.PRESETS), ModelOptions.PRESET_NAMES);
    }

    @Test
    void aBadDeviceGetsTheSameMessageFromEveryCommand() {
        String expected = "--device: 'tpu' is not auto, cpu, gpu or gpu:N";
        Cli.Run r = Cli.run("selftest", "--model", TestData.tinyCheckpoint(), "--device", "tpu");
        assertEquals("evo2wb selftest: " + expected, r.err().trim());
        r = Cli.run("bench", "forward", "--preset", "evo2-1b-8k", "--length", "8", "--device", "tpu");
        assertEquals("evo2wb bench forward: " + expected, r.err().trim());
        r = Cli.run("finetune", "--model", Cli.tinyModel(), "--train", "x.fa", "--run-dir", "r", "--device", "tpu");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("  " + expected), r.err());
        r = Cli.run("selftest", "--model", TestData.tinyCheckpoint(), "--precision", "fp64");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("evo2wb selftest: --precision: "), r.err());
    }

    @Test
    void whereTheModelIsOptionalItsConfigStillNeedsIt() {
        Cli.Run r = Cli.run("selftest", "--config", Cli.tinyConfig());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("--model"), r.err());
        r = Cli.run("eval", "markov", "--train", "t.fa", "--val", "v.fa", "--config", Cli.tinyConfig());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("--model"), r.err());
        r = Cli.run("score", "--model", Cli.tinyModel(), "--preset", "evo2-7b-8k", "--input", "x.fa", "--per-base",
                "x.tsv");
        assertEquals(2, r.exit(), "a model preset is named with --config: " + r);
        assertTrue(r.err().contains("Unknown options: '--preset'"), r.err());
    }

    @Test
    void aCommandWithoutItsSubcommandNamesThem() {
        Cli.Run r = Cli.run("eval");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().startsWith("Missing evaluation: name one of markov, vep"), r.err());
        r = Cli.run("bench");
        assertTrue(r.err().startsWith("Missing benchmark: name one of forward, score, train"), r.err());
        r = Cli.run();
        assertTrue(r.err().startsWith("Missing command: name one of help, gui, inspect, score, mutagenesis,"),
                r.err());
    }
}
