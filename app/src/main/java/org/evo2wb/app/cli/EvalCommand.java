package org.evo2wb.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.evo2wb.engine.eval.HeldOutEvaluation;
import org.evo2wb.engine.eval.HeldOutEvaluationTask;
import org.evo2wb.engine.eval.MarkovBaseline;
import org.evo2wb.engine.eval.VariantEffect;
import org.evo2wb.engine.eval.VariantEffectTask;
import org.evo2wb.engine.eval.VariantTable;
import org.evo2wb.engine.io.AtomicFiles;
import org.evo2wb.engine.load.ModelSpec;
import org.evo2wb.engine.model.StripedHyena;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code evo2wb eval markov|vep}: how good a model is, on held-out sequence or on variants of known effect. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate models: a Markov-chain baseline to beat, and zero-shot variant effect prediction.",
        subcommands = {EvalCommand.Markov.class, EvalCommand.Vep.class})
final class EvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw Evo2wbCli.missingSubcommand(spec, "evaluation");
    }

    /** {@code eval markov}: {@link MarkovBaseline#selectOrder}. */
    @Command(name = "markov", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Fit order-k Markov chains (the next base predicted from the k before it) on training "
                    + "files and report bits per base on validation files: the baseline a fine-tuned model must beat.",
                "Only A, C, G, T count (either case); 2 bits/base is no better than guessing.",
                "With --model, the model scores the same validation bases and is compared with the best Markov "
                        + "model: segments of --window bases spread over the validation records, up to --segments "
                        + "of them, the order chosen on those segments.",
                "Example: evo2wb eval markov --train train.fasta --val val.fasta --max-k 8",
                "Example: evo2wb eval markov --train train.fasta --val val.fasta --max-k 12 --model default"})
    static final class Markov implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--train", required = true, arity = "1..*", paramLabel = "<file>",
                description = "Sequence files to count on.")
        List<Path> train;

        @Option(names = "--val", required = true, arity = "1..*", paramLabel = "<file>",
                description = "Sequence files to score.")
        List<Path> validation;

        @Option(names = "--min-k", defaultValue = "0", paramLabel = "<k>",
                description = "Smallest order tried. Default: ${DEFAULT-VALUE}.")
        int minK;

        @Option(names = "--max-k", defaultValue = "8", paramLabel = "<k>",
                description = "Largest order tried (at most " + MarkovBaseline.MAX_ORDER + "). Default: "
                        + "${DEFAULT-VALUE}.")
        int maxK;

        @Option(names = "--alpha", defaultValue = "1", paramLabel = "<count>",
                description = "Pseudo-count added to every context's base counts. Default: ${DEFAULT-VALUE}.")
        double alpha;

        @ArgGroup(exclusive = false)
        ModelOptions model;

        @Mixin
        DeviceOptions where;

        @Option(names = "--window", paramLabel = "<bases>",
                description = "With --model: bases per scored segment. Default: 1024, or the model's context "
                        + "length if smaller.")
        Integer window;

        @Option(names = "--segments", defaultValue = "256", paramLabel = "<n>",
                description = "With --model: most segments over all validation records. Default: ${DEFAULT-VALUE}.")
        int segments;

        @Override
        public Integer call() throws Exception {
            if (minK < 0 || maxK > MarkovBaseline.MAX_ORDER || minK > maxK) {
                throw new IllegalArgumentException("--min-k and --max-k must satisfy 0 <= min-k <= max-k <= "
                        + MarkovBaseline.MAX_ORDER + ", got " + minK + " and " + maxK);
            }
            if (!(alpha > 0)) {
                throw new IllegalArgumentException("--alpha must be above 0, got " + alpha);
            }
            if (model != null) {
                return compareWithModel();
            }
            MarkovBaseline.Selection s = MarkovBaseline.selectOrder(Inputs.sequences(train),
                    Inputs.sequences(validation), minK, maxK, alpha);
            PrintWriter out = spec.commandLine().getOut();
            out.println("order\tbits_per_base");
            for (int i = 0; i < s.bitsPerOrder().length; i++) {
                out.printf(Locale.ROOT, "%d\t%.4f%n", s.minOrder() + i, s.bitsPerOrder()[i]);
            }
            out.printf(Locale.ROOT, "best: order %d, %.4f bits/base over %,d validation bases%n", s.model().order(),
                    s.score().bitsPerBase(), s.score().bases());
            out.flush();
            return Evo2wbCli.EXIT_OK;
        }

        /** {@link HeldOutEvaluation}: the model and the best Markov model on the same validation bases. */
        private int compareWithModel() throws Exception {
            ModelSpec.Resolved resolved = model.spec().resolve();
            int w = window != null ? window : Math.min(1024, resolved.contextLength());
            HeldOutEvaluation.Options o = new HeldOutEvaluation.Options(w, segments, minK, maxK, List.of(alpha),
                    HeldOutEvaluation.Options.defaults().batchSize());
            HeldOutEvaluation.Result r;
            try (StripedHyena loaded = resolved.load(where.device(), where.precision())) {
                r = TaskConsole.run(new HeldOutEvaluationTask(loaded, Inputs.sequences(train),
                        Inputs.sequences(validation), o), spec.commandLine().getErr());
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "%d segments of %,d bases from the validation files%n", r.segments(), w);
            out.println("order\tbits_per_base");
            for (int i = 0; i < r.bitsPerOrder().length; i++) {
                out.printf(Locale.ROOT, "%d\t%.4f%n", r.minOrder() + i, r.bitsPerOrder()[i]);
            }
            out.println(r.format());
            out.flush();
            return Evo2wbCli.EXIT_OK;
        }
    }

    /** {@code eval vep}: {@link VariantEffect}. */
    @Command(name = "vep", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Zero-shot variant effect prediction, as in the Evo 2 BRCA1 study: each single-base variant "
                    + "is scored by how much it changes the model's likelihood of the surrounding sequence.",
                "delta = mean log-likelihood of the window with the variant - that of the reference window (the "
                        + "window is centred on the variant); a lower delta predicts a more damaging variant. "
                        + "Prints the AUROC of -delta against the table's labels.",
                "Example: evo2wb eval vep --model evo2_7b.pt --variants brca1_snvs.tsv --reference brca1_region.fa "
                        + "--out brca1_scores.tsv"})
    static final class Vep implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ModelOptions model;

        @Mixin
        DeviceOptions where;

        @Option(names = "--variants", required = true, paramLabel = "<tsv>",
                description = "Tab-separated table of variants with a header line; columns are found by name (see "
                        + "the --*-column options; the defaults fit the Findlay et al. 2018 BRCA1 table).")
        Path variants;

        @Option(names = "--reference", required = true, paramLabel = "<fasta>",
                description = "One reference sequence covering the variants. Its coordinates come from a header "
                        + "like '>chr17:41100001-41300000', or from --reference-start.")
        Path reference;

        @Option(names = "--reference-start", paramLabel = "<position>",
                description = "1-based coordinate of the reference's first base, in the table's coordinates.")
        Long referenceStart;

        @Mixin
        VariantWindowOption window;

        @Option(names = "--out", paramLabel = "<tsv>",
                description = "Per-variant table: line, id, position, ref, alt, label, window, mean log-likelihoods "
                        + "of both windows, delta.")
        Path out;

        @Option(names = "--uppercase", description = "Upper-case the reference first (by default soft-masked "
                + "lower-case bases are scored as they are, as in the Evo 2 study).")
        boolean uppercase;

        @Option(names = "--batch", defaultValue = "1", paramLabel = "<n>",
                description = "Windows per forward pass. Default: ${DEFAULT-VALUE}.")
        int batch;

        @Option(names = "--position-column", defaultValue = "pos_hg19", paramLabel = "<name>",
                description = "Column of 1-based positions. Default: ${DEFAULT-VALUE}.")
        String positionColumn;

        @Option(names = "--ref-column", defaultValue = "ref", paramLabel = "<name>",
                description = "Column of reference bases. Default: ${DEFAULT-VALUE}.")
        String refColumn;

        @Option(names = "--alt-column", defaultValue = "alt", paramLabel = "<name>",
                description = "Column of variant bases. Default: ${DEFAULT-VALUE}.")
        String altColumn;

        @Option(names = "--label-column", defaultValue = "label_lof", paramLabel = "<name>",
                description = "Column of classes: 1 = damaging (loss of function), 0 = not; NA or empty = unknown "
                        + "(scored, not counted in the AUROC). Default: ${DEFAULT-VALUE}.")
        String labelColumn;

        @Option(names = "--positive-label", paramLabel = "<value>",
                description = "Use a column of class names instead: this value is the damaging class, any other "
                        + "value the other class (e.g. --label-column func_class --positive-label LOF).")
        String positiveLabel;

        @Option(names = "--id-column", defaultValue = "hgvs_c", paramLabel = "<name>",
                description = "Column copied to the output as the variant's name, when present. "
                        + "Default: ${DEFAULT-VALUE}.")
        String idColumn;

        @Override
        public Integer call() throws Exception {
            VariantTable.Columns columns = new VariantTable.Columns(positionColumn, refColumn, altColumn, labelColumn,
                    positiveLabel, idColumn);
            List<VariantTable.Variant> table = VariantTable.read(variants, columns);
            VariantEffect.Reference ref = VariantEffect.readReference(reference, referenceStart);
            VariantEffect.check(table, ref, variants);
            ModelSpec.Resolved resolved = model.spec().resolve();
            int w = window.bases(resolved.contextLength());
            VariantEffect.Options options = new VariantEffect.Options(w, uppercase, batch);
            VariantEffect.Report report;
            try (StripedHyena m = resolved.load(where.device(), where.precision())) {
                report = TaskConsole.run(new VariantEffectTask(m, table, ref, options), spec.commandLine().getErr());
            }
            if (out != null) {
                AtomicFiles.writeText(out, wr -> VariantEffect.writeTsv(wr, report));
            }
            PrintWriter o = spec.commandLine().getOut();
            o.println(report.format());
            o.printf(Locale.ROOT, "window %,d bases%s%n", w, out == null ? "" : "; per-variant scores in " + out);
            o.flush();
            return Evo2wbCli.EXIT_OK;
        }
    }
}
