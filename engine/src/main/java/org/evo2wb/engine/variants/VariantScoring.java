package org.evo2wb.engine.variants;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.evo2wb.bio.genome.BgzfOutputStream;
import org.evo2wb.bio.genome.ContigNames;
import org.evo2wb.bio.genome.IndexedFasta;
import org.evo2wb.bio.vcf.VcfReader;
import org.evo2wb.bio.vcf.VcfRecord;
import org.evo2wb.engine.io.AtomicFiles;
import org.evo2wb.engine.model.StripedHyena;

/**
 * Zero-shot variant effects of a VCF against a reference genome: for every ALT allele
 *
 * <pre>
 *   Δ = mean log P(alt window) − mean log P(ref window)        (nats per base, no BOS: the first base unscored)
 * </pre>
 *
 * with the windows of {@link VariantWindows} (W bases, the variant at index W/2), scored by {@link VariantDeltas}
 * (the same per-base scoring as {@code evo2wb score}). Negative Δ: the model finds the variant less likely (predicted damaging).
 *
 * <p>Every input record is written back in order with INFO {@code EVO2_DLL} (Number=A); alleles not scored get
 * {@code .} there and a reason in {@code EVO2_SKIP} ({@link SkipReason}). Records are scored in groups: the
 * reference window of a position is scored once for all its ALTs, the windows of a group go through the scorer
 * in batches, and each finished group is appended to a journal beside the output ({@link VariantJournal}), so an
 * interrupted run continues where it stopped. The outputs are written at the end, atomically.
 */
public final class VariantScoring {

    /** Records per group (one journal commit). */
    static final int GROUP = 64;

    public static final String INFO_DLL = "EVO2_DLL";
    public static final String INFO_SKIP = "EVO2_SKIP";

    /** The default window: W = min(8192, the model's context). */
    public static int defaultWindow(int context) {
        return Math.min(8192, context);
    }

    /**
     * What to score and where the results go.
     *
     * @param vcf the variants (VCF 4.x, plain or gzip/bgzip)
     * @param reference the genome FASTA (plain, gzip or bgzip)
     * @param cacheFolder where indexes go when the reference's folder is read-only
     * @param out the output VCF ({@code .gz}: bgzip)
     * @param tsv one row per allele, or null
     * @param window W
     * @param batchSize windows per forward pass
     * @param label how the labels are read (null: no AUROC)
     * @param rocPrefix with labels: the ROC curve goes to {@code PREFIX.png} and {@code PREFIX.svg} (null: none)
     * @param modelName names the model in the output header and the journal
     */
    public record Request(Path vcf, Path reference, Path cacheFolder, Path out, Path tsv, int window, int batchSize,
                          Labels label, Path rocPrefix, String modelName) {

        public Request {
            if (window < 2) {
                throw new IllegalArgumentException("the window must be at least 2 bases, got " + window);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("the batch size must be at least 1, got " + batchSize);
            }
        }

        /** The same request with these labels. */
        public Request withLabels(Labels labels) {
            return new Request(vcf, reference, cacheFolder, out, tsv, window, batchSize, labels, rocPrefix, modelName);
        }
    }

    /**
     * Labels of the ALT alleles: from an INFO key of the VCF, or from a {@link LabelTable} (chrom, pos, ref, alt,
     * label). Values are 1/0 (true/false, yes/no), or a named positive class (any other value negative).
     *
     * @param infoKey the INFO key, or null with a table
     * @param positiveValue the positive class value, or null for 1/0 labels
     * @param table the label table, or null with an INFO key
     */
    public record Labels(String infoKey, String positiveValue, LabelTable table) {

        /** Labels from an INFO key. */
        public Labels(String infoKey, String positiveValue) {
            this(infoKey, positiveValue, null);
        }

        public Labels {
            if ((infoKey == null) == (table == null)) {
                throw new IllegalArgumentException("labels come from an INFO key or a label table, one of the two");
            }
        }

        /**
         * The one reading of a label setting, for the command line and the view: a value that names an existing
         * file is a label table ({@link LabelTable}), any other value an INFO key.
         */
        public static Labels parse(String value, String positiveValue) throws IOException {
            Path file = null;
            try {
                file = Path.of(value);
            } catch (java.nio.file.InvalidPathException e) {
                // not a path: an INFO key
            }
            if (file != null && Files.isRegularFile(file)) {
                return new Labels(null, positiveValue, LabelTable.read(file, positiveValue));
            }
            if (!value.matches("[A-Za-z_][0-9A-Za-z_.]*")) {
                throw new IOException("'" + value + "' is neither an existing label table nor an INFO key");
            }
            return new Labels(value, positiveValue, null);
        }

        /** Where the labels come from, in words: {@code INFO key LAB} or the table's file name. */
        public String source() {
            return table != null ? table.file().getFileName().toString() : "INFO " + infoKey;
        }

        /** The label of allele {@code allele}: true, false, or null when the record has none. */
        Boolean of(VcfRecord r, int allele) throws IOException {
            if (table != null) {
                return table.label(r.chrom(), r.position(), r.ref(), r.alts().get(allele));
            }
            String v = r.infoValue(infoKey);
            if (v == null) {
                return null;
            }
            String[] parts = v.split(",");
            String one = parts.length == r.alts().size() ? parts[allele] : v;
            one = one.trim();
            if (one.isEmpty() && positiveValue == null) {
                return true;              // a flag
            }
            return LabelTable.value("line " + r.line() + ": INFO " + infoKey + "=" + v + ": ", one, positiveValue);
        }
    }

    /** Progress: the phase in words and records done of total. */
    public interface Progress {
        void update(String phase, long done, long total);
    }

    /**
     * What a run did.
     *
     * @param records VCF records
     * @param alleles ALT alleles
     * @param scored alleles scored
     * @param skipped alleles not scored, by reason
     * @param refMismatches the first few REF mismatches, each naming file, line and both alleles
     * @param resumedRecords records taken from an interrupted earlier run
     * @param windowBases bases of the windows scored in this run
     * @param scoredNow alleles scored in this run
     * @param seconds time spent scoring in this run
     * @param unlabelled with labels: scored alleles without one (no row in the table, no INFO value, or NA); left
     *                   out of the AUROC
     * @param labelsNotInVcf with a label table: its rows that match no ALT allele of the VCF
     * @param roc the AUROC of −Δ over labelled scored alleles, or null
     */
    public record Summary(long records, long alleles, long scored, Map<SkipReason, Long> skipped,
                          List<String> refMismatches, long resumedRecords, long windowBases, long scoredNow,
                          double seconds, long unlabelled, long labelsNotInVcf,
                          RocAnalysis.Result roc) {

        /** Window bases scored per second in this run. */
        public double basesPerSecond() {
            return seconds > 0 ? windowBases / seconds : Double.NaN;
        }

        /** ALT alleles scored per second in this run. */
        public double variantsPerSecond() {
            return seconds > 0 ? scoredNow / seconds : Double.NaN;
        }

        public String format() {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%,d records, %,d ALT alleles: %,d scored",
                    records, alleles, scored));
            skipped.forEach((k, v) -> sb.append(String.format(Locale.ROOT, ", %,d %s", v, k.code())));
            if (resumedRecords > 0) {
                sb.append(String.format(Locale.ROOT, " (%,d records from the interrupted run)", resumedRecords));
            }
            if (seconds > 0) {
                sb.append(String.format(Locale.ROOT, "; %.1f s, %,.0f bases/s, %,.2f variants/s", seconds,
                        basesPerSecond(), variantsPerSecond()));
            }
            if (unlabelled > 0 || labelsNotInVcf > 0) {
                sb.append(String.format(Locale.ROOT, "\n%,d scored alleles without a label (left out of the AUROC)",
                        unlabelled));
                if (labelsNotInVcf > 0) {
                    sb.append(String.format(Locale.ROOT, "; %,d rows of the label table match no ALT allele of the "
                            + "VCF", labelsNotInVcf));
                }
            }
            if (roc != null) {
                sb.append("\n").append(roc.format()).append(" of -").append(INFO_DLL);
            }
            return sb.toString();
        }
    }

    private VariantScoring() {
    }

    /** Where reference indexes go when the reference's folder is read-only: {@code ~/.evo2wb/cache/reference-index}. */
    public static Path defaultCacheFolder() {
        return Path.of(System.getProperty("user.home"), ".evo2wb", "cache", "reference-index");
    }

    /** The journal of an output. */
    public static Path journalOf(Path out) {
        return out.resolveSibling(out.getFileName() + ".evo2wb-partial");
    }

    public static Summary run(StripedHyena model, Request q, Progress progress, BooleanSupplier cancelled)
            throws IOException {
        return run(model, q, progress, cancelled, GROUP);
    }

    static Summary run(StripedHyena model, Request q, Progress progress, BooleanSupplier cancelled, int groupSize)
            throws IOException {
        try (IndexedFasta ref = IndexedFasta.open(q.reference(), q.cacheFolder(),
                (what, d, t) -> progress.update(what, d, t), cancelled)) {
            progress.update("Counting records of " + q.vcf().getFileName(), 0, -1);
            long total = VcfReader.count(q.vcf());
            Path journalFile = journalOf(q.out());
            long resumed;
            long bases = 0;
            long t0 = System.nanoTime();
            long[] scoredNow = new long[1];
            try (VariantJournal journal = VariantJournal.open(journalFile, fingerprint(q));
                 VcfReader vcf = VcfReader.open(q.vcf())) {
                resumed = journal.done();
                VariantDeltas deltas = new VariantDeltas(model, q.window(), q.batchSize());
                List<VcfRecord> group = new ArrayList<>();
                VcfRecord r;
                long doneRecords = resumed;
                progress.update("Scoring variants", doneRecords, total);
                while ((r = vcf.next()) != null) {
                    if (r.index() < resumed) {
                        continue;
                    }
                    group.add(r);
                    if (group.size() == groupSize) {
                        bases += scoreGroup(deltas, ref, q, group, journal, cancelled, scoredNow);
                        doneRecords += group.size();
                        group.clear();
                        progress.update("Scoring variants", doneRecords, total);
                    }
                }
                if (!group.isEmpty()) {
                    bases += scoreGroup(deltas, ref, q, group, journal, cancelled, scoredNow);
                    doneRecords += group.size();
                    progress.update("Scoring variants", doneRecords, total);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            progress.update("Writing " + q.out().getFileName(), total, total);
            Summary s = writeOutputs(q, journalFile, total, resumed, bases, scoredNow[0], seconds);
            Files.deleteIfExists(journalFile);
            return s;
        }
    }

    private static String fingerprint(Request q) throws IOException {
        return q.vcf().toAbsolutePath().normalize() + "|" + Files.size(q.vcf()) + "|"
                + Files.getLastModifiedTime(q.vcf()).toMillis() + "|" + q.reference().toAbsolutePath().normalize()
                + "|" + Files.size(q.reference()) + "|" + q.modelName() + "|W" + q.window();
    }

    /** An allele's plan: a skip reason, or the windows to score. */
    record Plan(long record, int allele, SkipReason skip, VariantWindows.Pair windows, String detail) {
    }

    /** Scores one group and commits it to the journal; returns the window bases scored. */
    private static long scoreGroup(VariantDeltas deltas, IndexedFasta ref, Request q, List<VcfRecord> group,
                                   VariantJournal journal, BooleanSupplier cancelled, long[] scoredNow)
            throws IOException {
        List<Plan> plans = new ArrayList<>();
        for (VcfRecord r : group) {
            plan(ref, q.window(), r, plans);
        }
        List<VariantWindows.Pair> pairs = new ArrayList<>();
        for (Plan p : plans) {
            if (p.skip() == null) {
                pairs.add(p.windows());
            }
        }
        VariantDeltas.Scored scored = deltas.score(pairs, cancelled);
        List<VariantJournal.Entry> entries = new ArrayList<>();
        int k = 0;
        for (Plan p : plans) {
            if (p.skip() != null) {
                entries.add(new VariantJournal.Entry(p.record(), p.allele(), p.skip().code(), -1, Double.NaN,
                        Double.NaN, p.detail()));
                continue;
            }
            VariantDeltas.Delta d = scored.deltas().get(k++);
            entries.add(new VariantJournal.Entry(p.record(), p.allele(), "ok", p.windows().start(), d.refMean(),
                    d.altMean(), ""));
        }
        scoredNow[0] += k;
        journal.commit(entries, group.get(group.size() - 1).index() + 1);
        return scored.bases();
    }

    /** The plans of a record's ALT alleles: the windows to score, or why an allele is not scored. */
    static void plan(IndexedFasta ref, int window, VcfRecord r, List<Plan> out) throws IOException {
        int n = r.alts().size();
        if (n == 0) {
            return;
        }
        SkipReason recordSkip = null;
        String detail = "";
        String contig = ContigNames.match(r.chrom(), ref.sequences().keySet()).orElse(null);
        long p = r.position() - 1;
        long length = contig == null ? -1 : ref.length(contig).orElseThrow();
        String refAllele = r.ref().toUpperCase(Locale.ROOT);
        if (contig == null || p < 0 || p + refAllele.length() > length) {
            recordSkip = SkipReason.OUTSIDE_CONTIG;
        } else {
            String have = ref.fetch(contig, p, p + refAllele.length()).toUpperCase(Locale.ROOT);
            if (!have.equals(refAllele)) {
                recordSkip = SkipReason.REF_MISMATCH;
                detail = have.length() > 20 ? have.substring(0, 20) + "..." : have;
            }
        }
        for (int a = 0; a < n; a++) {
            String alt = r.alts().get(a);
            if (recordSkip != null) {
                out.add(new Plan(r.index(), a, recordSkip, null, detail));
            } else if (VariantWindows.symbolic(alt)) {
                out.add(new Plan(r.index(), a, SkipReason.SYMBOLIC_ALT, null, ""));
            } else {
                long[] span = VariantWindows.span(p, refAllele.length(), alt.length(), length, window);
                String bases = ref.fetch(contig, span[0], span[1]);
                VariantWindows.Pair w = VariantWindows.pair(bases, span[0], p, refAllele.length(), alt, length,
                        window);
                if (VariantWindows.mostlyN(w.ref()) || w.ref().length() < 2 || w.alt().length() < 2) {
                    out.add(new Plan(r.index(), a, SkipReason.MOSTLY_N, null, ""));
                } else {
                    out.add(new Plan(r.index(), a, null, w, ""));
                }
            }
        }
    }

    // ---- outputs ----

    private static Summary writeOutputs(Request q, Path journalFile, long total, long resumed, long bases,
                                        long scoredNow, double seconds) throws IOException {
        Map<SkipReason, Long> skipped = new EnumMap<>(SkipReason.class);
        List<String> mismatches = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        List<Boolean> labels = new ArrayList<>();
        long[] counts = new long[3];       // alleles, scored, scored without a label
        java.util.Set<String> matched = new java.util.HashSet<>();
        AtomicFiles.write(q.out(), vcfTmp -> {
            try (OutputStream raw = Files.newOutputStream(vcfTmp);
                 OutputStream o = q.out().getFileName().toString().endsWith(".gz") ? new BgzfOutputStream(raw)
                         : new java.io.BufferedOutputStream(raw, 1 << 16);
                 Writer vcfOut = new BufferedWriter(new OutputStreamWriter(o, StandardCharsets.UTF_8), 1 << 16)) {
                Writer tsvOut = null;
                Path tsvTmp = q.tsv() == null ? null : AtomicFiles.temporarySibling(q.tsv().toAbsolutePath());
                try {
                    if (tsvTmp != null) {
                        tsvOut = Files.newBufferedWriter(tsvTmp, StandardCharsets.UTF_8);
                        tsvOut.write("chrom\tpos\tid\tref\talt\tallele\tlabel\twindow_start\tref_mean_logprob"
                                + "\talt_mean_logprob\tdelta\tstatus\n");
                    }
                    try (VcfReader in = VcfReader.open(q.vcf());
                         VariantJournal.Reader journal = new VariantJournal.Reader(journalFile)) {
                        writeHeader(vcfOut, in.header(), q);
                        VcfRecord r;
                        while ((r = in.next()) != null) {
                            List<VariantJournal.Entry> es = new ArrayList<>();
                            VariantJournal.Entry e;
                            while ((e = journal.take(r.index())) != null) {
                                es.add(e);
                            }
                            if (es.size() != r.alts().size()) {
                                throw new IOException(journalFile + ": holds " + es.size() + " results for record "
                                        + (r.index() + 1) + " (line " + r.line() + "), which has " + r.alts().size()
                                        + " ALT alleles; delete it and run again");
                            }
                            vcfOut.write(record(r, es));
                            vcfOut.write('\n');
                            for (VariantJournal.Entry x : es) {
                                counts[0]++;
                                Boolean label = q.label() == null ? null : q.label().of(r, x.allele());
                                LabelTable table = q.label() == null ? null : q.label().table();
                                if (table != null && table.contains(r.chrom(), r.position(), r.ref(),
                                        r.alts().get(x.allele()))) {
                                    matched.add(LabelTable.key(r.chrom(), r.position(), r.ref(),
                                            r.alts().get(x.allele())));
                                }
                                if (x.scored()) {
                                    counts[1]++;
                                    if (label != null) {
                                        scores.add(-x.delta());
                                        labels.add(label);
                                    } else if (q.label() != null) {
                                        counts[2]++;
                                    }
                                } else {
                                    SkipReason why = SkipReason.ofCode(x.status());
                                    skipped.merge(why, 1L, Long::sum);
                                    if (why == SkipReason.REF_MISMATCH && x.allele() == 0 && mismatches.size() < 10) {
                                        mismatches.add(q.vcf().getFileName() + ":" + r.line() + ": " + r.chrom() + ":"
                                                + r.position() + " REF " + r.ref() + " but the reference has "
                                                + x.detail());
                                    }
                                }
                                if (tsvOut != null) {
                                    tsvOut.write(tsvRow(r, x, label));
                                }
                            }
                        }
                    }
                    if (tsvOut != null) {
                        tsvOut.close();
                        tsvOut = null;
                        AtomicFiles.fsync(tsvTmp);
                        Files.move(tsvTmp, q.tsv().toAbsolutePath(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    }
                } finally {
                    if (tsvOut != null) {
                        tsvOut.close();
                    }
                    if (tsvTmp != null) {
                        Files.deleteIfExists(tsvTmp);
                    }
                }
            }
        });
        RocAnalysis.Result roc = null;
        if (q.label() != null && !scores.isEmpty()) {
            double[] s = scores.stream().mapToDouble(Double::doubleValue).toArray();
            boolean[] y = new boolean[labels.size()];
            for (int i = 0; i < y.length; i++) {
                y[i] = labels.get(i);
            }
            boolean both = labels.contains(true) && labels.contains(false);
            if (both) {
                roc = RocAnalysis.of(s, y, RocAnalysis.BOOTSTRAP, 42);
                if (q.rocPrefix() != null) {
                    RocAnalysis.Result fin = roc;
                    String title = "ROC of -" + INFO_DLL + " against " + q.label().source();
                    Path prefix = q.rocPrefix();
                    AtomicFiles.writeText(prefix.resolveSibling(prefix.getFileName() + ".svg"),
                            w -> RocPlot.writeSvg(w, fin, title));
                    AtomicFiles.writeStream(prefix.resolveSibling(prefix.getFileName() + ".png"),
                            o -> RocPlot.writePng(o, fin, title));
                }
            }
        }
        long notInVcf = q.label() == null || q.label().table() == null ? 0 : q.label().table().size() - matched.size();
        return new Summary(total, counts[0], counts[1], skipped, mismatches, resumed, bases, scoredNow, seconds,
                counts[2], notInVcf, roc);
    }

    private static void writeHeader(Writer w, List<String> header, Request q) throws IOException {
        for (int i = 0; i < header.size(); i++) {
            String h = header.get(i);
            if (h.startsWith("##INFO=<ID=" + INFO_DLL + ",") || h.startsWith("##INFO=<ID=" + INFO_SKIP + ",")) {
                continue;
            }
            if (i == header.size() - 1) {
                w.write("##INFO=<ID=" + INFO_DLL + ",Number=A,Type=Float,Description=\"Evo 2 delta log-likelihood: "
                        + "mean per-base log-likelihood (nats) of the window with the ALT allele minus that of the "
                        + "reference window (" + q.window() + " bases, variant at index " + q.window() / 2 + "); "
                        + "negative = less likely under the model. Model: " + q.modelName().replace("\"", "'")
                        + "\">\n");
                w.write("##INFO=<ID=" + INFO_SKIP + ",Number=A,Type=String,Description=\"Why an ALT allele was not "
                        + "scored: ref_mismatch (REF differs from the reference genome), outside_contig, mostly_n "
                        + "(more than half of the window is N), symbolic_alt\">\n");
            }
            w.write(h);
            w.write('\n');
        }
    }

    private static String record(VcfRecord r, List<VariantJournal.Entry> es) {
        if (es.isEmpty()) {
            return stripOwn(r);
        }
        StringBuilder dll = new StringBuilder(INFO_DLL + "=");
        StringBuilder skip = new StringBuilder(INFO_SKIP + "=");
        boolean anySkip = false;
        for (int i = 0; i < es.size(); i++) {
            VariantJournal.Entry e = es.get(i);
            if (i > 0) {
                dll.append(',');
                skip.append(',');
            }
            if (e.scored()) {
                dll.append(String.format(Locale.ROOT, "%.6g", e.delta()));
                skip.append('.');
            } else {
                dll.append('.');
                skip.append(e.status());
                anySkip = true;
            }
        }
        String[] f = r.fields().clone();
        f[7] = withoutOwnKeys(f[7]);
        VcfRecord clean = new VcfRecord(r.line(), r.index(), f, r.position(), r.alts());
        return clean.withInfo(anySkip ? dll + ";" + skip : dll.toString());
    }

    private static String stripOwn(VcfRecord r) {
        String[] f = r.fields().clone();
        f[7] = withoutOwnKeys(f[7]);
        return String.join("\t", f);
    }

    private static String withoutOwnKeys(String info) {
        if (!info.contains(INFO_DLL) && !info.contains(INFO_SKIP)) {
            return info;
        }
        List<String> keep = new ArrayList<>();
        for (String part : info.split(";")) {
            String k = part.contains("=") ? part.substring(0, part.indexOf('=')) : part;
            if (!k.equals(INFO_DLL) && !k.equals(INFO_SKIP)) {
                keep.add(part);
            }
        }
        return keep.isEmpty() ? "." : String.join(";", keep);
    }

    private static String tsvRow(VcfRecord r, VariantJournal.Entry e, Boolean label) {
        String lab = label == null ? "NA" : label ? "1" : "0";
        if (!e.scored()) {
            return r.chrom() + "\t" + r.position() + "\t" + r.id() + "\t" + r.ref() + "\t" + r.alts().get(e.allele())
                    + "\t" + (e.allele() + 1) + "\t" + lab + "\tNA\tNA\tNA\tNA\t" + e.status() + "\n";
        }
        return r.chrom() + "\t" + r.position() + "\t" + r.id() + "\t" + r.ref() + "\t" + r.alts().get(e.allele())
                + "\t" + (e.allele() + 1) + "\t" + lab + "\t" + (e.windowStart() + 1) + "\t"
                + String.format(Locale.ROOT, "%.6f\t%.6f\t%.6f", e.refMean(), e.altMean(), e.delta()) + "\tok\n";
    }
}
