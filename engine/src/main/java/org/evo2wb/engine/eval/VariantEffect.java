package org.evo2wb.engine.eval;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.evo2wb.bio.SequenceFiles;
import org.evo2wb.bio.SequenceFormatException;
import org.evo2wb.bio.SequenceRecord;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.variants.Auroc;
import org.evo2wb.engine.variants.VariantDeltas;
import org.evo2wb.engine.variants.VariantWindows;

/**
 * Zero-shot variant effect prediction as in the Evo 2 BRCA1 notebook (spec §5.3): for a single-nucleotide variant at
 * 0-based reference index p, the reference window is
 *
 * <pre>
 *   [s, e) = [max(0, p − W/2), min(n, p + W/2))          (n = reference length, W = window)
 *   Δ      = mean_t log P(alt window[t] | alt window[&lt;t]) − mean_t log P(ref window[t] | ref window[&lt;t])
 * </pre>
 *
 * scored without BOS (the first base of a window is not scored, so each mean has e − s − 1 terms), the variant at
 * index p − s of both windows. Variants that lower the likelihood (Δ &lt; 0) are predicted damaging: the AUROC of
 * −Δ against the labels ({@link Auroc}) measures how well the model separates damaging from neutral variants.
 * Each distinct reference window is scored once (the three substitutions at a position share it). Δ itself is
 * computed by {@link VariantDeltas}, as for a VCF ({@code evo2wb variants}); this class reads the table's form
 * (one reference stretch, the notebook's window rule and letter case) and writes its report.
 */
public final class VariantEffect {

    /** Windows scored per call of the scorer: bounds memory for tables of thousands of variants. */
    private static final int GROUP = 64;

    /**
     * A stretch of reference genome.
     *
     * @param id record id
     * @param sequence the bases, as read
     * @param start 1-based coordinate of the first base
     */
    public record Reference(String id, String sequence, long start) {
    }

    /**
     * How windows are built and scored.
     *
     * @param window W: bases per window (the variant sits at W/2 unless clipped at an end)
     * @param uppercase upper-case the windows first (the notebook scores the bases as read, lower-case
     *                  soft-masked repeats included, and puts the table's upper-case base into the variant window)
     * @param batchSize windows per forward pass
     */
    public record Options(int window, boolean uppercase, int batchSize) {

        public Options {
            if (window < 2) {
                throw new IllegalArgumentException("window must be at least 2 bases, got " + window);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
            }
        }
    }

    /**
     * One variant's score.
     *
     * @param windowStart 1-based coordinate of the window's first base
     * @param windowEnd 1-based coordinate of its last base
     * @param refMean mean log-probability (nats) of the reference window
     * @param altMean mean log-probability of the variant window
     */
    public record Result(VariantTable.Variant variant, long windowStart, long windowEnd, double refMean,
                         double altMean) {

        /** Δ = altMean − refMean. */
        public double delta() {
            return altMean - refMean;
        }
    }

    /**
     * All results and the figures over the labelled ones.
     *
     * @param auroc AUROC of −Δ for the positive class, NaN when a class is empty
     * @param referenceWindows distinct reference windows scored
     */
    public record Report(List<Result> results, double auroc, int positives, int negatives, int unlabelled,
                         int referenceWindows) {

        public String format() {
            return String.format(Locale.ROOT, "%d variants (%d positive, %d negative, %d unlabelled), %d reference "
                            + "windows; AUROC of -delta: %.4f", results.size(), positives, negatives, unlabelled,
                    referenceWindows, auroc);
        }
    }

    private static final Pattern HEADER_RANGE = Pattern.compile("^[^:\\s]+:([0-9,]+)-([0-9,]+)$");

    private VariantEffect() {
    }

    /**
     * Reads a single-record FASTA (or GenBank/EMBL) file. Without {@code start}, the 1-based start is read from a
     * header id of the form {@code chr17:41100001-41300000}, whose length must then agree with the sequence.
     */
    public static Reference readReference(Path file, Long start) throws IOException, SequenceFormatException {
        List<SequenceRecord> records = SequenceFiles.read(file);
        if (records.size() != 1) {
            throw new IOException(file + ": holds " + records.size() + " records; the reference must be one record");
        }
        SequenceRecord r = records.get(0);
        if (start != null) {
            if (start < 1) {
                throw new IllegalArgumentException("reference start must be at least 1, got " + start);
            }
            return new Reference(r.id(), r.sequence(), start);
        }
        Matcher m = HEADER_RANGE.matcher(r.id());
        if (!m.matches()) {
            throw new IOException(file + ": record '" + r.id() + "' does not name its coordinates as chrom:start-end;"
                    + " give the 1-based coordinate of its first base");
        }
        long from = Long.parseLong(m.group(1).replace(",", ""));
        long to = Long.parseLong(m.group(2).replace(",", ""));
        if (to - from + 1 != r.length()) {
            throw new IOException(file + ": record '" + r.id() + "' names " + (to - from + 1) + " bases but holds "
                    + r.length());
        }
        return new Reference(r.id(), r.sequence(), from);
    }

    /** Checks every variant against the reference before any scoring; the first mismatch is reported. */
    public static void check(List<VariantTable.Variant> variants, Reference ref, Path table) throws IOException {
        long end = ref.start() + ref.sequence().length() - 1;
        for (VariantTable.Variant v : variants) {
            long p = v.position() - ref.start();
            if (p < 0 || p >= ref.sequence().length()) {
                throw new IOException(table + ":" + v.line() + ": position " + v.position() + " lies outside the "
                        + "reference " + ref.id() + " (" + ref.start() + "-" + end + ")");
            }
            char have = Character.toUpperCase(ref.sequence().charAt((int) p));
            if (have != v.ref()) {
                throw new IOException(table + ":" + v.line() + ": the table's reference base at " + v.position()
                        + " is " + v.ref() + " but the reference sequence has " + have + "; check the reference's "
                        + "start coordinate");
            }
        }
    }

    /**
     * Scores every variant: builds each variant's window pair by the notebook's rule above and hands the pairs to
     * {@link VariantDeltas}, the engine entry that computes Δ for {@code evo2wb variants} too. Variants go through it
     * in groups ordered by window, so every distinct reference window is scored once; results come back in table
     * order.
     *
     * @param progress receives the number of variants scored so far (of {@code variants.size()})
     * @param cancelled polled between batches of windows
     */
    public static Report run(StripedHyena model, List<VariantTable.Variant> variants, Reference ref, Options o,
                             LongConsumer progress, BooleanSupplier cancelled) {
        VariantDeltas deltas = new VariantDeltas(model, o.window(), o.batchSize());
        String seq = o.uppercase() ? ref.sequence().toUpperCase(Locale.ROOT) : ref.sequence();
        Integer[] order = new Integer[variants.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, java.util.Comparator.comparingLong(i -> key(window(variants.get(i), ref,
                o.window()))));
        List<Integer> sorted = List.of(order);
        Result[] results = new Result[variants.size()];
        int referenceWindows = 0;
        long done = 0;
        for (int i = 0; i < order.length; i += GROUP) {
            List<Integer> group = sorted.subList(i, Math.min(order.length, i + GROUP));
            List<VariantWindows.Pair> pairs = new ArrayList<>();
            for (int index : group) {
                pairs.add(pair(variants.get(index), ref, seq, o.window()));
            }
            VariantDeltas.Scored scored = deltas.score(pairs, cancelled);
            referenceWindows += scored.referenceWindowsScored();
            for (int k = 0; k < group.size(); k++) {
                VariantTable.Variant v = variants.get(group.get(k));
                int[] w = window(v, ref, o.window());
                VariantDeltas.Delta d = scored.deltas().get(k);
                results[group.get(k)] = new Result(v, ref.start() + w[0], ref.start() + w[1] - 1, d.refMean(),
                        d.altMean());
            }
            done += group.size();
            progress.accept(done);
        }
        return report(List.of(results), referenceWindows);
    }

    /** The variant's reference window and the same window with the table's (upper-case) base at the variant. */
    static VariantWindows.Pair pair(VariantTable.Variant v, Reference ref, String seq, int window) {
        int[] w = window(v, ref, window);
        String refWindow = seq.substring(w[0], w[1]);
        StringBuilder alt = new StringBuilder(refWindow);
        alt.setCharAt((int) (v.position() - ref.start()) - w[0], v.alt());
        return new VariantWindows.Pair(w[0], refWindow, alt.toString());
    }

    /** Windows {@link #run} scores: distinct reference windows plus one per variant. */
    public static long plannedWindows(List<VariantTable.Variant> variants, Reference ref, Options o) {
        java.util.Set<Long> distinct = new java.util.HashSet<>();
        for (VariantTable.Variant v : variants) {
            distinct.add(key(window(v, ref, o.window())));
        }
        return distinct.size() + (long) variants.size();
    }

    /** The AUROC and counts over the labelled results. */
    public static Report report(List<Result> results, int referenceWindows) {
        List<Double> scores = new ArrayList<>();
        List<Boolean> labels = new ArrayList<>();
        int positives = 0;
        int unlabelled = 0;
        for (Result r : results) {
            Boolean label = r.variant().label();
            if (label == null) {
                unlabelled++;
                continue;
            }
            scores.add(-r.delta());
            labels.add(label);
            positives += label ? 1 : 0;
        }
        double[] s = scores.stream().mapToDouble(Double::doubleValue).toArray();
        boolean[] y = new boolean[labels.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = labels.get(i);
        }
        return new Report(List.copyOf(results), Auroc.of(s, y), positives, labels.size() - positives, unlabelled,
                referenceWindows);
    }

    /**
     * Per-variant TSV: {@code line id position ref alt label window_start window_end ref_mean alt_mean delta}
     * (label 1, 0 or NA; log-probabilities in nats, 6 decimals).
     */
    public static void writeTsv(Writer w, Report report) throws IOException {
        w.write("line\tid\tposition\tref\talt\tlabel\twindow_start\twindow_end\tref_mean_logprob\talt_mean_logprob"
                + "\tdelta\n");
        for (Result r : report.results()) {
            VariantTable.Variant v = r.variant();
            w.write(v.line() + "\t" + v.id() + "\t" + v.position() + "\t" + v.ref() + "\t" + v.alt() + "\t"
                    + (v.label() == null ? "NA" : v.label() ? "1" : "0") + "\t" + r.windowStart() + "\t"
                    + r.windowEnd() + "\t" + num(r.refMean()) + "\t" + num(r.altMean()) + "\t" + num(r.delta())
                    + "\n");
        }
    }

    /** {@code [s, e)} in reference indices (spec §5.3, clipped at both ends of the reference). */
    static int[] window(VariantTable.Variant v, Reference ref, int window) {
        long p = v.position() - ref.start();
        int half = window / 2;
        int s = (int) Math.max(0, p - half);
        int e = (int) Math.min(ref.sequence().length(), p + half);
        return new int[] {s, e};
    }

    private static long key(int[] w) {
        return ((long) w[0] << 32) | w[1];
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }
}
