package org.evo2wb.app.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.evo2wb.bio.SequenceRecord;
import org.evo2wb.engine.embed.LayerName;
import org.evo2wb.engine.io.AtomicFiles;
import org.evo2wb.engine.load.ModelSpec;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.probe.Probe;
import org.evo2wb.engine.probe.ProbeTraining;
import org.evo2wb.engine.probe.VariantInput;
import org.evo2wb.engine.task.EngineTask;
import org.evo2wb.engine.variants.LabelledVariants;
import org.evo2wb.engine.variants.VariantScoring;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code evo2wb probe train|apply}: which layer carries a signal, and a classifier on it ({@link ProbeTraining}). */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = "Train a linear probe (L2 logistic regression) on mean-pooled layer outputs of labelled "
                + "sequences, compare layers by cross-validated AUROC, and apply a saved probe.",
        subcommands = {ProbeCommand.Train.class, ProbeCommand.Apply.class})
final class ProbeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw Evo2wbCli.missingSubcommand(spec, "subcommand");
    }

    @Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Cross-validated AUROC of a probe on each --layer; the best layer's probe, fitted on all "
                    + "records, is saved.",
                "Labels: --positive REGEX (a record whose header matches is positive, others negative), or --labels "
                        + "TSV (record id, then 1/0).",
                "On variants: --vcf and --reference instead of --input, labels by --label (an INFO key or a label "
                        + "table, as in `evo2wb variants`; alleles without a label are left out); each ALT allele is "
                        + "embedded from the windows `evo2wb variants` scores (--variant-embedding alt or alt-ref).",
                "Example: evo2wb probe train --model default --input promoters.fa --positive 'class=promoter' "
                        + "--layer blocks.2,blocks.4,blocks.6 --out promoter_probe.json",
                "Example: evo2wb probe train --model default --vcf brca1.vcf --reference GRCh37.fa.gz --label "
                        + "brca1_labels.tsv --layer blocks.8,blocks.16 --window 128 --out brca1_probe.json"})
    static final class Train implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ModelOptions model;

        @Mixin
        DeviceOptions where;

        @Option(names = "--input", arity = "1..*", paramLabel = "<file>",
                description = "Labelled sequences (FASTA, GenBank or EMBL).")
        List<Path> inputs;

        @Mixin
        VariantFiles variants;

        @Mixin
        VariantWindowOption window;

        @Option(names = "--variant-embedding", defaultValue = "alt-ref", paramLabel = "alt|alt-ref",
                description = "With --vcf: what is read of each allele: the mean layer output over the alt window "
                        + "(alt), or that minus the same over the reference window (alt-ref). Default: "
                        + "${DEFAULT-VALUE}.")
        String embedding;

        @Mixin
        IndexCacheOption indexCache;

        @Mixin
        VariantLabelOptions labelling;

        @Option(names = "--layer", required = true, paramLabel = "<name>[,<name>...]",
                description = "Layers to compare (as in `evo2wb embed`).")
        String layers;

        @Option(names = "--positive", paramLabel = "<regex>",
                description = "Records whose header (id and description) matches are positive, the rest negative.")
        String positive;

        @Option(names = "--labels", paramLabel = "<tsv>",
                description = "Tab-separated record id and label (1/0); records not listed are left out.")
        Path labelTable;

        @Option(names = "--folds", defaultValue = "5", paramLabel = "<k>",
                description = "k of the stratified k-fold cross-validation. Default: ${DEFAULT-VALUE}.")
        int folds;

        @Option(names = "--l2", defaultValue = "1.0", paramLabel = "<lambda>",
                description = "L2 strength on the standardised weights. Default: ${DEFAULT-VALUE}.")
        double lambda;

        @Option(names = "--seed", defaultValue = "1", paramLabel = "<n>",
                description = "Seed of the fold assignment. Default: ${DEFAULT-VALUE}.")
        long seed;

        @Option(names = "--chunk", defaultValue = "8192", paramLabel = "<bases>",
                description = "Longest stretch one forward pass sees. Default: ${DEFAULT-VALUE}.")
        int chunk;

        @Option(names = "--out", required = true, paramLabel = "<probe.json>",
                description = "Where the best layer's probe is saved.")
        Path out;

        @Mixin
        CaseOption letterCase;

        @Override
        public Integer call() throws Exception {
            if ((inputs == null) == (variants.vcf == null)) {
                throw new IllegalArgumentException("give the items by one of --input (sequences) or --vcf (variants)");
            }
            if (variants.vcf != null) {
                return trainOnVariants();
            }
            if (labelling.given()) {
                throw new IllegalArgumentException("--label and --positive-label label variants; with --input give "
                        + "--positive REGEX or --labels TSV");
            }
            if ((positive == null) == (labelTable == null)) {
                throw new IllegalArgumentException("give the labels by one of --positive REGEX or --labels TSV");
            }
            List<SequenceRecord> records = Inputs.records(inputs);
            List<String> seqs = new ArrayList<>();
            List<Boolean> y = new ArrayList<>();
            String meaning;
            if (positive != null) {
                Pattern p = Pattern.compile(positive);
                for (SequenceRecord r : records) {
                    seqs.add(letterCase.asRead(r.sequence()));
                    y.add(p.matcher(r.id() + " " + r.description()).find());
                }
                meaning = "header matches " + positive;
            } else {
                Map<String, Boolean> table = labels(labelTable);
                for (SequenceRecord r : records) {
                    Boolean l = table.get(r.id());
                    if (l != null) {
                        seqs.add(letterCase.asRead(r.sequence()));
                        y.add(l);
                    }
                }
                meaning = "label 1 in " + labelTable.getFileName();
            }
            boolean[] labels = new boolean[y.size()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = y.get(i);
            }
            ModelSpec.Resolved resolved = model.spec().resolve();
            ProbeTraining.Report report;
            try (StripedHyena m = resolved.load(where.device(), where.precision())) {
                List<LayerName> names = LayerName.parseAll(layers, m.architecture());
                ProbeTraining.Options o = new ProbeTraining.Options(names, folds, lambda, seed, chunk,
                        Math.max(1, Math.min(1024, chunk / 8)));
                long total = seqs.stream().mapToLong(String::length).sum();
                EngineTask<ProbeTraining.Report> task = new EngineTask<>("Probe " + names.size() + " layers") {
                    @Override
                    protected ProbeTraining.Report call() {
                        progress(0, total);
                        return ProbeTraining.run(m, resolved.name(), seqs, labels, meaning, o, d -> progress(d, total),
                                this::isCancelRequested);
                    }
                };
                report = TaskConsole.run(task, spec.commandLine().getErr());
            }
            report.best().save(out);
            PrintWriter w = spec.commandLine().getOut();
            w.println(report.format());
            w.println("probe saved to " + out);
            w.flush();
            return Evo2wbCli.EXIT_OK;
        }

        /** {@link ProbeTraining#runOnVariants} on the labelled ALT alleles of --vcf. */
        private int trainOnVariants() throws Exception {
            if (labelling.label == null) {
                throw new IllegalArgumentException("--vcf needs --label (an INFO key or a label table)");
            }
            if (positive != null || labelTable != null) {
                throw new IllegalArgumentException("--positive and --labels label sequences; with --vcf give --label");
            }
            VariantScoring.Labels labels = labelling.labels();
            ModelSpec.Resolved resolved = model.spec().resolve();
            int w = window.bases(resolved.contextLength());
            LabelledVariants set = variants.read(indexCache.folder(), w, labels);
            PrintWriter console = spec.commandLine().getOut();
            console.println(set.format());
            console.flush();
            VariantInput input = VariantInput.of(embedding);
            String meaning = "label 1 in " + labels.source();
            ProbeTraining.Report report;
            try (StripedHyena m = resolved.load(where.device(), where.precision())) {
                List<LayerName> names = LayerName.parseAll(layers, m.architecture());
                int c = Math.max(2, w);
                ProbeTraining.Options o = new ProbeTraining.Options(names, folds, lambda, seed, c,
                        Math.max(1, Math.min(1024, c / 8)));
                long total = input.plannedBases(set.items());
                EngineTask<ProbeTraining.Report> task = new EngineTask<>("Probe " + names.size() + " layers") {
                    @Override
                    protected ProbeTraining.Report call() {
                        progress(0, total);
                        return ProbeTraining.runOnVariants(m, resolved.name(), set, input, meaning, o,
                                d -> progress(d, total), this::isCancelRequested);
                    }
                };
                report = TaskConsole.run(task, spec.commandLine().getErr());
            }
            report.best().save(out);
            console.println(report.format());
            console.println("probe saved to " + out);
            console.flush();
            return Evo2wbCli.EXIT_OK;
        }

        private static Map<String, Boolean> labels(Path file) throws java.io.IOException {
            Map<String, Boolean> out = new HashMap<>();
            int n = 0;
            for (String line : Files.readAllLines(file)) {
                n++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                if (f.length < 2) {
                    throw new java.io.IOException(file + ":" + n + ": expected record id, a tab, and a label");
                }
                String v = f[1].trim().toLowerCase(Locale.ROOT);
                switch (v) {
                    case "1", "true", "yes" -> out.put(f[0].trim(), true);
                    case "0", "false", "no" -> out.put(f[0].trim(), false);
                    default -> {
                        if (n > 1) {
                            throw new java.io.IOException(file + ":" + n + ": label '" + f[1] + "' is not 1 or 0");
                        }
                    }
                }
            }
            return out;
        }
    }

    /** The variants a probe reads or classifies: a VCF against a reference genome, as `evo2wb variants` reads them. */
    static final class VariantFiles {

        @Option(names = "--vcf", paramLabel = "<file.vcf[.gz]>",
                description = "Variants instead of sequences: every ALT allele of this VCF (plain or bgzip), "
                        + "embedded from its windows against --reference.")
        Path vcf;

        @Option(names = "--reference", paramLabel = "<genome.fa[.gz]>",
                description = "With --vcf: the reference genome FASTA (plain, gzip or bgzip; indexed as by `evo2wb "
                        + "variants`).")
        Path reference;

        /** The ALT alleles of --vcf in windows of {@code window} bases, labelled by {@code labels} (or null). */
        LabelledVariants read(Path indexCache, int window, VariantScoring.Labels labels) throws java.io.IOException {
            if (reference == null) {
                throw new IllegalArgumentException("--vcf needs --reference (the genome the variants refer to)");
            }
            return LabelledVariants.read(vcf, reference, indexCache, window, labels, () -> false);
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"The probability of the positive class for every record, or every ALT allele of a VCF, "
                    + "from a saved probe.",
                "A probe trained on variants is applied to --vcf/--reference with the window and variant embedding "
                        + "it was trained with.",
                "Example: evo2wb probe apply --model default --probe promoter_probe.json --input new.fa --out p.tsv",
                "Example: evo2wb probe apply --model default --probe brca1_probe.json --vcf new.vcf --reference "
                        + "GRCh37.fa.gz --out p.tsv"})
    static final class Apply implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ModelOptions model;

        @Mixin
        DeviceOptions where;

        @Option(names = "--probe", required = true, paramLabel = "<probe.json>", description = "A saved probe.")
        Path probe;

        @Option(names = "--input", arity = "1..*", paramLabel = "<file>",
                description = "Sequences to classify.")
        List<Path> inputs;

        @Mixin
        VariantFiles variants;

        @Mixin
        IndexCacheOption indexCache;

        @Option(names = "--out", required = true, paramLabel = "<tsv>",
                description = "record (or variant chrom:pos:ref>alt) and probability, one row each.")
        Path out;

        @Mixin
        CaseOption letterCase;

        @Override
        public Integer call() throws Exception {
            Probe p = Probe.load(probe);
            if ((inputs == null) == (variants.vcf == null)) {
                throw new IllegalArgumentException("give the items by one of --input (sequences) or --vcf (variants)");
            }
            if (p.onVariants() != (variants.vcf != null)) {
                throw new IllegalArgumentException(probe + " was trained on " + (p.onVariants() ? "variants; give "
                        + "--vcf and --reference" : "sequences; give --input"));
            }
            if (variants.vcf != null) {
                return applyToVariants(p);
            }
            List<SequenceRecord> records = Inputs.records(inputs);
            List<String> ids = records.stream().map(SequenceRecord::id).toList();
            List<String> seqs = records.stream().map(r -> letterCase.asRead(r.sequence())).toList();
            List<Probe.Prediction> preds;
            try (StripedHyena m = model.load(where)) {
                long total = seqs.stream().mapToLong(String::length).sum();
                EngineTask<List<Probe.Prediction>> task = new EngineTask<>("Apply probe") {
                    @Override
                    protected List<Probe.Prediction> call() {
                        progress(0, total);
                        return p.apply(m, ids, seqs, d -> progress(d, total), this::isCancelRequested);
                    }
                };
                preds = TaskConsole.run(task, spec.commandLine().getErr());
            }
            AtomicFiles.writeText(out, w -> {
                w.write("record\tprobability\n");
                for (Probe.Prediction x : preds) {
                    w.write(x.id() + "\t" + String.format(Locale.ROOT, "%.6f", x.probability()) + "\n");
                }
            });
            PrintWriter w = spec.commandLine().getOut();
            w.println(preds.size() + " records classified with " + p.format(Locale.ROOT) + "; written to " + out);
            w.flush();
            return Evo2wbCli.EXIT_OK;
        }

        private int applyToVariants(Probe p) throws Exception {
            LabelledVariants set = variants.read(indexCache.folder(), p.window(), null);
            List<Probe.Prediction> preds;
            try (StripedHyena m = model.load(where)) {
                long total = VariantInput.of(p.variants()).plannedBases(set.items());
                EngineTask<List<Probe.Prediction>> task = new EngineTask<>("Apply probe") {
                    @Override
                    protected List<Probe.Prediction> call() {
                        progress(0, total);
                        return p.applyToVariants(m, set, d -> progress(d, total), this::isCancelRequested);
                    }
                };
                preds = TaskConsole.run(task, spec.commandLine().getErr());
            }
            AtomicFiles.writeText(out, w -> {
                w.write("variant\tprobability\n");
                for (Probe.Prediction x : preds) {
                    w.write(x.id() + "\t" + String.format(Locale.ROOT, "%.6f", x.probability()) + "\n");
                }
            });
            PrintWriter w = spec.commandLine().getOut();
            w.println(set.format());
            w.println(preds.size() + " variants classified with " + p.format(Locale.ROOT) + "; written to " + out);
            w.flush();
            return Evo2wbCli.EXIT_OK;
        }
    }
}
