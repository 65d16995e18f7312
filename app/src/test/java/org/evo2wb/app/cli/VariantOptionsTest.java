package org.evo2wb.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.evo2wb.engine.variants.VariantScoring;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The commands that read variants in windows ({@code variants}, {@code eval vep}, {@code probe train|apply}) take the
 * window, the labels, the reference index folder and the probes' VCF and genome with the same options: one help text,
 * one default, one reading.
 */
class VariantOptionsTest {

    @Test
    void everyCommandTakesTheSharedVariantOptionsWithOneHelpTextAndDefault() {
        Map<String, CommandSpec> commands = Cli.commands();
        // eval markov's --window is the length of its segments of held-out sequence, and the training commands' the
        // short name of their window-length setting: not windows around a variant
        expectShared(commands, new VariantWindowOption(), List.of("eval vep", "probe train", "variants"),
                Set.of("eval markov", "finetune", "pretrain", "bench train"));
        // eval vep's --positive-label names the damaging class of its table's --label-column
        expectShared(commands, new VariantLabelOptions(), List.of("probe train", "variants"), Set.of("eval vep"));
        expectShared(commands, new IndexCacheOption(), List.of("probe apply", "probe train", "variants"), Set.of());
        // variants requires --vcf and --reference; eval vep's --reference is one FASTA whose header gives coordinates,
        // trace's the intermediates of a reference implementation
        expectShared(commands, new ProbeCommand.VariantFiles(), List.of("probe apply", "probe train"),
                Set.of("eval vep", "trace", "variants"));
    }

    /** Each option of {@code mixin} is taken by exactly the commands {@code sharing}, as the mixin declares it. */
    private static void expectShared(Map<String, CommandSpec> commands, Object mixin, List<String> sharing,
                                     Set<String> sameNameOtherMeaning) {
        for (OptionSpec expected : CommandSpec.forAnnotatedObject(mixin).options()) {
            String name = expected.longestName();
            assertEquals(sharing, commands.entrySet().stream()
                    .filter(e -> e.getValue().findOption(name) != null && !sameNameOtherMeaning.contains(e.getKey()))
                    .map(Map.Entry::getKey).toList(), name);
            for (String command : sharing) {
                OptionSpec o = commands.get(command).findOption(name);
                String where = command + " " + name;
                assertArrayEquals(expected.description(), o.description(), where);
                assertEquals(expected.paramLabel(), o.paramLabel(), where);
                assertEquals(expected.defaultValue(), o.defaultValue(), where);
                assertEquals(expected.required(), o.required(), where);
                assertEquals(expected.arity(), o.arity(), where);
            }
        }
    }

    @Test
    void leftOutTheWindowAndIndexFolderAreTheSameInEveryCommand() throws Exception {
        List<String[]> lines = List.of(
                new String[] {"variants", "--model", "m.pt", "--vcf", "v.vcf", "--reference", "g.fa", "--out", "o.vcf"},
                new String[] {"eval", "vep", "--model", "m.pt", "--variants", "v.tsv", "--reference", "r.fa"},
                new String[] {"probe", "train", "--model", "m.pt", "--vcf", "v.vcf", "--layer", "blocks.1", "--out",
                    "p.json"},
                new String[] {"probe", "apply", "--model", "m.pt", "--vcf", "v.vcf", "--probe", "p.json", "--out",
                    "p.tsv"});
        int windows = 0;
        int folders = 0;
        for (String[] line : lines) {
            CommandSpec c = leaf(Evo2wbCli.commandLine().parseArgs(line));
            String where = String.join(" ", line);
            if (c.mixins().get("window") != null) {
                VariantWindowOption w = (VariantWindowOption) c.mixins().get("window").userObject();
                assertEquals(8192, w.bases(1_048_576), where);
                assertEquals(4096, w.bases(4096), where);
                windows++;
            }
            if (c.mixins().get("indexCache") != null) {
                IndexCacheOption i = (IndexCacheOption) c.mixins().get("indexCache").userObject();
                assertEquals(VariantScoring.defaultCacheFolder(), i.folder(), where);
                folders++;
            }
            if (c.mixins().get("labelling") != null) {
                VariantLabelOptions l = (VariantLabelOptions) c.mixins().get("labelling").userObject();
                assertNull(l.labels(), where);
            }
        }
        assertEquals(3, windows);
        assertEquals(3, folders);

        CommandSpec given = leaf(Evo2wbCli.commandLine().parseArgs("variants", "--model", "m.pt", "--vcf", "v.vcf",
                "--reference", "g.fa", "--out", "o.vcf", "--window", "100", "--index-cache", "idx",
                "--positive-label", "LOF"));
        assertEquals(100, ((VariantWindowOption) given.mixins().get("window").userObject()).bases(4096));
        assertEquals(Path.of("idx"), ((IndexCacheOption) given.mixins().get("indexCache").userObject()).folder());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ((VariantLabelOptions) given.mixins().get("labelling").userObject()).labels());
        assertEquals("--positive-label needs --label (the INFO key or label table that holds the labels)",
                e.getMessage());
    }

    private static CommandSpec leaf(ParseResult r) {
        return r.hasSubcommand() ? leaf(r.subcommand()) : r.commandSpec();
    }
}
