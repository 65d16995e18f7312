package org.evo2wb.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.evo2wb.bio.SequenceRecord;
import org.evo2wb.engine.io.AtomicFiles;
import org.evo2wb.engine.load.ModelSpec;
import org.evo2wb.engine.load.ScoringContext;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.score.ScoreWriters;
import org.evo2wb.engine.score.ScoringOptions;
import org.evo2wb.engine.score.ScoringTask;
import org.evo2wb.engine.score.SequenceScore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code evo2wb score}: per-base log-likelihoods of every record of the input files under a model, written as a
 * per-base TSV, a bedGraph track and a per-record summary ({@link ScoreWriters}); the work is a {@link ScoringTask}.
 */
@Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Score DNA with an Evo 2 model: how likely the model finds each base given the bases before it.",
            "Writes log P(base | preceding bases) in nats for every base (higher = more expected; a random base "
                    + "scores ln(1/4) = -1.386).",
            "Example: evo2wb score --model evo2_7b.pt --input genes.fasta --per-base genes.tsv --bedgraph genes.bedgraph"})
final class ScoreCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Mixin
    DeviceOptions where;

    @Mixin
    InputFiles inputs;

    @Option(names = "--per-base", required = true, paramLabel = "<out.tsv>",
            description = "Per-base table: record, position (1-based), base, logprob. Without --bos the first base of "
                    + "each record has no row (nothing precedes it).")
    Path perBase;

    @Option(names = "--bedgraph", paramLabel = "<out.bedgraph>",
            description = "The same values as a bedGraph track (0-based half-open intervals on the record ids), for "
                    + "a genome browser.")
    Path bedGraph;

    @Option(names = "--summary", paramLabel = "<out.tsv>",
            description = "One row per record: record, length, sum and mean log-likelihood.")
    Path summary;

    @Option(names = "--entropy", description = "Add the entropy of the model's prediction at each base to the "
            + "per-base table (nats; low = confident).")
    boolean entropy;

    @Option(names = "--bos", description = "Put the start-of-sequence token first so the first base is scored too.")
    boolean bos;

    @Option(names = "--rc-average", description = "Also score the reverse complement and report the mean of both "
            + "strands in the summary (per-base values stay those of the given strand).")
    boolean rcAverage;

    @Option(names = "--chunk", paramLabel = "<bases>",
            description = "Longest stretch one forward pass sees; longer records are scored in overlapping chunks. "
                    + "Default: the model's context (its config's, or the window a fine-tuned model was trained "
                    + "with); a longer chunk is allowed with a warning.")
    Integer chunk;

    @Option(names = "--overlap", paramLabel = "<bases>",
            description = "Bases shared by consecutive chunks: every base after the first chunk is predicted with at "
                    + "least this much context. Default: a quarter of the chunk, at most 1,024.")
    Integer overlap;

    @Mixin
    CaseOption letterCase;

    @Option(names = "--batch", paramLabel = "<n>", defaultValue = "8",
            description = "Chunks per forward pass; lower it when memory runs out. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Override
    public Integer call() throws Exception {
        checkCounts();
        ModelSpec.Resolved resolved = model.spec().resolve();
        int context = ScoringContext.of(resolved);
        ScoringOptions options = options(context);
        PrintWriter err = spec.commandLine().getErr();
        String warning = ScoringContext.beyondContextWarning(resolved.name(), options.chunkLength(), context);
        if (warning != null) {
            err.println("evo2wb score: warning: " + warning + ".");
            err.flush();
        }
        List<SequenceRecord> records = inputs.records();
        List<SequenceScore> scores;
        long t0 = System.nanoTime();
        try (StripedHyena m = resolved.load(where.device(), where.precision())) {
            scores = TaskConsole.run(new ScoringTask(m, Inputs.scorerInputs(records, letterCase), options), err);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        AtomicFiles.writeText(perBase, w -> ScoreWriters.perBaseTsv(w, scores, entropy));
        if (bedGraph != null) {
            AtomicFiles.writeText(bedGraph, w -> ScoreWriters.bedGraph(w, scores, "Evo 2 log-likelihood"));
        }
        if (summary != null) {
            AtomicFiles.writeText(summary, w -> ScoreWriters.summaryTsv(w, scores));
        }
        long bases = scores.stream().mapToLong(SequenceScore::length).sum();
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "scored %,d records, %,d bases in %.1f s (%,.0f bases/s); per-base values in %s%n",
                scores.size(), bases, seconds, bases / seconds, perBase);
        out.flush();
        return Evo2wbCli.EXIT_OK;
    }

    /** Checks the numbers that need no model, before the model is looked for. */
    private void checkCounts() {
        if (chunk != null && chunk < 2) {
            throw new IllegalArgumentException("--chunk must be at least 2 bases, got " + chunk);
        }
        if (chunk != null && overlap != null && (overlap < 1 || overlap >= chunk)) {
            throw new IllegalArgumentException("--overlap must be between 1 and --chunk - 1 (" + (chunk - 1)
                    + "), got " + overlap);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
        }
    }

    /** The options: the chunk given or the model's context, the overlap given or the default for that chunk. */
    private ScoringOptions options(int context) {
        int c = chunk != null ? chunk : context;
        int o = overlap != null ? overlap : ScoringContext.defaultOverlap(c);
        if (o < 1 || o >= c) {
            throw new IllegalArgumentException("--overlap must be between 1 and the chunk - 1 (" + (c - 1)
                    + "), got " + o);
        }
        return new ScoringOptions(bos, rcAverage, batch, c, o);
    }
}
