package org.evo2wb.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.evo2wb.bio.SequenceRecord;
import org.evo2wb.engine.io.AtomicFiles;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.score.CodonEffects;
import org.evo2wb.engine.score.Mutagenesis;
import org.evo2wb.engine.score.MutagenesisTask;
import org.evo2wb.engine.score.ScoringOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code evo2wb mutagenesis}: saturation mutagenesis of a region of one record ({@link Mutagenesis}, as a
 * {@link MutagenesisTask}), written as the table the Score view exports ({@link Mutagenesis#writeTsv}), with codon
 * effects where the record's CDS features cover the region ({@link CodonEffects}).
 */
@Command(name = "mutagenesis", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"In-silico saturation mutagenesis: every single-base substitution of a region, scored by how "
                + "much it changes the model's log-likelihood of a window around the region.",
            "delta_loglik = log-likelihood of the window with the substitution - that of the reference window "
                    + "(nats); below 0 the model finds the substitution less likely. Where CDS features of the record "
                    + "cover the region, each substitution is also called synonymous, missense, stop_gained, ...",
            "The table is the one the Score view exports; progress goes to stderr.",
            "Example: evo2wb mutagenesis --model default --input pPCP1.gb --record NC_005816.1 --region 3486-3857 "
                    + "--out cds.tsv"})
final class MutagenesisCommand implements Callable<Integer> {

    private static final Pattern RANGE = Pattern.compile("\\s*([0-9][0-9,]*)\\s*(?:-|\\.\\.)\\s*([0-9][0-9,]*)\\s*");

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Mixin
    DeviceOptions where;

    @Option(names = "--input", required = true, paramLabel = "<file>",
            description = "A FASTA, GenBank or EMBL file (plain or compressed); GenBank and EMBL CDS features give "
                    + "the codon effects.")
    Path input;

    @Option(names = "--record", paramLabel = "<id>",
            description = "The record to mutate. Default: the file's only record.")
    String record;

    @Option(names = "--region", required = true, paramLabel = "<start-end>",
            description = "The bases to mutate, 1-based and inclusive (e.g. 3486-3800), at most "
                    + Mutagenesis.MAX_REGION + " bases.")
    String region;

    @Option(names = "--out", paramLabel = "<tsv>",
            description = "Where to write the table. Default: standard output.")
    Path out;

    @Option(names = "--context", defaultValue = "200", paramLabel = "<bases>",
            description = "Bases of the record on each side of the region in the scored window. "
                    + "Default: ${DEFAULT-VALUE}.")
    int context;

    @Option(names = "--bos", description = "Put the start-of-sequence token first so the window's first base is "
            + "scored too.")
    boolean bos;

    @Mixin
    CaseOption letterCase;

    @Option(names = "--batch", defaultValue = "8", paramLabel = "<n>",
            description = "Substitutions per forward pass; lower it when memory runs out. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Override
    public Integer call() throws Exception {
        BenchCommand.positive("--batch", batch);
        SequenceRecord rec = chosenRecord();
        String sequence = letterCase.asRead(rec.sequence());
        int[] range = range(region);
        Mutagenesis.Region r;
        try {
            r = new Mutagenesis.Region(rec.id(), sequence, range[0] - 1, range[1], context);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--region: " + input + ", " + e.getMessage(), e);
        }
        ScoringOptions options = Mutagenesis.fitting(r, ScoringOptions.defaults().withBos(bos).withBatchSize(batch));
        PrintWriter err = spec.commandLine().getErr();
        CodonEffects.Call[] calls = null;
        try {
            calls = CodonEffects.codingCalls(sequence, rec.features(), r.start(), r.end()).orElse(null);
        } catch (IllegalArgumentException e) {
            err.println("evo2wb mutagenesis: note: codon effects left out: " + input + ", record '" + rec.id()
                    + "': " + e.getMessage());
        }
        Mutagenesis.Result result;
        try (StripedHyena m = model.load(where)) {
            result = TaskConsole.run(new MutagenesisTask(m, r, options), err);
        }
        CodonEffects.Call[] codons = calls;
        String summary = String.format(Locale.ROOT, "%s:%d-%d: %,d substitutions scored in a %,d-base window "
                        + "(reference log-likelihood %.4f nats)%s", rec.id(), r.start() + 1, r.end(),
                Mutagenesis.plannedVariants(r), r.windowEnd() - r.windowStart(), result.referenceLogLikelihood(),
                codons == null ? "; no CDS covers the region" : "; codon effects from the CDS features");
        if (out == null) {
            PrintWriter o = spec.commandLine().getOut();
            Mutagenesis.writeTsv(o, result, codons);
            o.flush();
            err.println(summary);
        } else {
            AtomicFiles.writeText(out, w -> Mutagenesis.writeTsv(w, result, codons));
            PrintWriter o = spec.commandLine().getOut();
            o.println(summary + "; table in " + out);
            o.flush();
        }
        err.flush();
        return Evo2wbCli.EXIT_OK;
    }

    private SequenceRecord chosenRecord() throws Exception {
        List<SequenceRecord> records = Inputs.records(List.of(input));
        if (record == null) {
            if (records.size() == 1) {
                return records.get(0);
            }
            throw new IllegalArgumentException("--record: " + input + " holds " + records.size() + " records; name "
                    + "one (" + ids(records) + ")");
        }
        return records.stream().filter(r -> r.id().equals(record)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("--record: " + input + " has no record '" + record + "' (it holds "
                        + ids(records) + ")"));
    }

    private static String ids(List<SequenceRecord> records) {
        List<String> ids = records.stream().limit(10).map(SequenceRecord::id).toList();
        return String.join(", ", ids) + (records.size() > ids.size() ? ", ..." : "");
    }

    /** {@code START-END} (or {@code START..END}, thousands separators allowed) as {@code [start, end]}, 1-based. */
    static int[] range(String text) {
        Matcher m = RANGE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("--region: '" + text + "' is not START-END (1-based, inclusive, "
                    + "e.g. 101-400)");
        }
        try {
            int start = Integer.parseInt(m.group(1).replace(",", ""));
            int end = Integer.parseInt(m.group(2).replace(",", ""));
            if (start < 1 || end < start) {
                throw new IllegalArgumentException("--region: '" + text + "' must have 1 <= START <= END");
            }
            return new int[] {start, end};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--region: '" + text + "' has a position too large for a record");
        }
    }
}
