package org.evo2wb.engine.variants;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.evo2wb.bio.genome.IndexedFasta;
import org.evo2wb.bio.vcf.VcfReader;
import org.evo2wb.bio.vcf.VcfRecord;

/**
 * The ALT alleles of a VCF as window pairs for a probe: for every allele the reference and alternative windows that
 * {@code evo2wb variants} scores ({@link VariantWindows}, W bases, the variant at index W/2), with its label from an
 * INFO key or a {@link LabelTable}. Alleles that cannot be scored (REF mismatch, outside the contigs, mostly N,
 * symbolic ALT) are counted by reason; with labels, scorable alleles without one are counted too. Nothing is dropped
 * silently.
 *
 * @param items the scorable alleles, in VCF order (with labels: only the labelled ones)
 * @param skipped alleles not scorable, by reason
 * @param unlabelled with labels: scorable alleles without one
 * @param window W
 */
public record LabelledVariants(List<Item> items, Map<SkipReason, Long> skipped, long unlabelled, int window) {

    /**
     * One ALT allele.
     *
     * @param id {@code chrom:pos:ref>alt} as the VCF writes them
     * @param line its line in the VCF
     * @param windows both windows
     * @param label true, false, or null without labels
     */
    public record Item(String id, long line, VariantWindows.Pair windows, Boolean label) {
    }

    /**
     * Reads the alleles of {@code vcf} against {@code reference}.
     *
     * @param labels where the labels come from, or null to read every scorable allele (to apply a probe)
     * @param cacheFolder where reference indexes go when the reference's folder is read-only
     */
    public static LabelledVariants read(Path vcf, Path reference, Path cacheFolder, int window,
                                        VariantScoring.Labels labels, BooleanSupplier cancelled) throws IOException {
        if (window < 2) {
            throw new IllegalArgumentException("the window must be at least 2 bases, got " + window);
        }
        List<Item> items = new ArrayList<>();
        Map<SkipReason, Long> skipped = new EnumMap<>(SkipReason.class);
        long unlabelled = 0;
        try (IndexedFasta ref = IndexedFasta.open(reference, cacheFolder, IndexedFasta.Progress.NONE, cancelled);
             VcfReader in = VcfReader.open(vcf)) {
            VcfRecord r;
            List<VariantScoring.Plan> plans = new ArrayList<>();
            while ((r = in.next()) != null) {
                plans.clear();
                VariantScoring.plan(ref, window, r, plans);
                for (VariantScoring.Plan p : plans) {
                    if (p.skip() != null) {
                        skipped.merge(p.skip(), 1L, Long::sum);
                        continue;
                    }
                    Boolean label = null;
                    if (labels != null) {
                        try {
                            label = labels.of(r, p.allele());
                        } catch (IOException e) {
                            throw new IOException(vcf + ": " + e.getMessage(), e);
                        }
                        if (label == null) {
                            unlabelled++;
                            continue;
                        }
                    }
                    String id = r.chrom() + ":" + r.position() + ":" + r.ref() + ">" + r.alts().get(p.allele());
                    items.add(new Item(id, r.line(), p.windows(), label));
                }
            }
        }
        return new LabelledVariants(List.copyOf(items), skipped, unlabelled, window);
    }

    /** The labels of the items. */
    public boolean[] labels() {
        boolean[] y = new boolean[items.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = Boolean.TRUE.equals(items.get(i).label());
        }
        return y;
    }

    /** Counts in words: alleles used, not scorable by reason, without a label. */
    public String format() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%,d ALT alleles used", items.size()));
        skipped.forEach((k, v) -> sb.append(String.format(Locale.ROOT, ", %,d %s", v, k.code())));
        if (unlabelled > 0) {
            sb.append(String.format(Locale.ROOT, ", %,d without a label (left out)", unlabelled));
        }
        return sb.toString();
    }
}
