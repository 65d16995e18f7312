package org.evo2wb.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.evo2wb.engine.load.ModelSpec;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.variants.VariantScoring;
import org.evo2wb.engine.variants.VariantsTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code evo2wb variants}: Δ log-likelihood of every ALT allele of a VCF ({@link VariantScoring}). */
@Command(name = "variants", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Score the variants of a VCF against a reference genome: for every ALT allele, delta = mean "
                + "log-likelihood of the window with the ALT - that of the reference window (nats per base; "
                + "negative = the model finds the variant less likely, predicted damaging).",
            "Writes every input record, in order, with INFO EVO2_DLL (one value per ALT); alleles not scored get '.' "
                    + "and a reason in EVO2_SKIP (ref_mismatch, outside_contig, mostly_n, symbolic_alt).",
            "With --label (positive = damaging): prints the AUROC of -delta with a bootstrap 95%% interval and draws "
                    + "the ROC curve (--roc).",
            "An interrupted run (Ctrl-C, a crash) continues where it stopped when started again with the same inputs.",
            "Example: evo2wb variants --vcf clinvar.vcf.gz --reference GRCh38.fa.gz --model evo2_7b.pt "
                    + "--out clinvar.evo2.vcf.gz --tsv clinvar.evo2.tsv --label CLNSIG_BINARY",
            "Example: evo2wb variants --vcf brca1.vcf --reference GRCh37.fa.gz --model default --out brca1.evo2.vcf "
                    + "--label brca1_labels.tsv"})
final class VariantsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Mixin
    DeviceOptions where;

    @Option(names = "--vcf", required = true, paramLabel = "<file.vcf[.gz]>",
            description = "The variants: VCF 4.x, plain or gzip/bgzip compressed.")
    Path vcf;

    @Option(names = "--reference", required = true, paramLabel = "<genome.fa[.gz]>",
            description = "The reference genome FASTA (plain, gzip or bgzip), read by random access through its .fai "
                    + "(and .gzi) index; a missing index is built first, beside the FASTA or, when that folder is "
                    + "read-only, in --index-cache. Contig names match with and without 'chr'.")
    Path reference;

    @Option(names = "--out", required = true, paramLabel = "<out.vcf[.gz]>",
            description = "The scored VCF (.gz: bgzip compressed).")
    Path out;

    @Mixin
    VariantWindowOption window;

    @Option(names = "--tsv", paramLabel = "<out.tsv>",
            description = "Also a table with one row per ALT allele: chrom, pos, id, ref, alt, allele, label, "
                    + "window start, mean log-likelihoods of both windows, delta, status.")
    Path tsv;

    @Mixin
    VariantLabelOptions labelling;

    @Option(names = "--roc", paramLabel = "<prefix>",
            description = "Where the ROC curve goes (PREFIX.png and PREFIX.svg). Default: the --out name without "
                    + ".vcf/.vcf.gz, plus .roc.")
    Path roc;

    @Option(names = "--batch", defaultValue = "8", paramLabel = "<n>",
            description = "Windows per forward pass. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Mixin
    IndexCacheOption indexCache;

    @Override
    public Integer call() throws Exception {
        VariantScoring.Labels labels = labelling.labels();
        ModelSpec.Resolved resolved = model.spec().resolve();
        int w = window.bases(resolved.contextLength());
        Path rocPrefix = labels == null ? null : roc != null ? roc
                : out.resolveSibling(out.getFileName().toString().replaceFirst("(?i)(\\.vcf)?(\\.gz)?$", "") + ".roc");
        VariantScoring.Request q = new VariantScoring.Request(vcf, reference, indexCache.folder(), out, tsv, w, batch,
                labels, rocPrefix, resolved.name());
        PrintWriter err = spec.commandLine().getErr();
        if (java.nio.file.Files.exists(VariantScoring.journalOf(out))) {
            err.println("continuing from " + VariantScoring.journalOf(out) + " where it matches these inputs");
        }
        VariantScoring.Summary s;
        try (StripedHyena m = resolved.load(where.device(), where.precision())) {
            VariantsTask task = new VariantsTask(m, q);
            s = TaskConsole.run(task, err, () -> task.message() + ":" + TaskConsole.line(task)
                    .substring(task.title().length() + 1));
        }
        PrintWriter o = spec.commandLine().getOut();
        o.println(s.format());
        for (String m : s.refMismatches()) {
            o.println("REF mismatch: " + m);
        }
        o.printf(Locale.ROOT, "window %,d bases; scored VCF in %s%s%s%n", w, out, tsv == null ? "" : ", table in " + tsv,
                s.roc() == null ? "" : ", ROC curve in " + rocPrefix + ".png/.svg");
        o.flush();
        return Evo2wbCli.EXIT_OK;
    }
}
