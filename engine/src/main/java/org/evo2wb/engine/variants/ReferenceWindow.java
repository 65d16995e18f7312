package org.evo2wb.engine.variants;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.evo2wb.bio.genome.ContigNames;
import org.evo2wb.bio.genome.IndexedFasta;

/**
 * The reference window around a variant, as scored ({@link VariantWindows}), for showing it in the Score view.
 *
 * @param contig the reference's contig name
 * @param start 0-based first base
 * @param bases the window's bases (upper case)
 * @param variantIndex 0-based index of the variant's first base in the window
 */
public record ReferenceWindow(String contig, long start, String bases, int variantIndex) {

    /** A name such as {@code chr17:41196000-41197023} (1-based, inclusive). */
    public String name() {
        return contig + ":" + (start + 1) + "-" + (start + bases.length());
    }

    public static ReferenceWindow around(Path reference, Path cacheFolder, String chrom, long pos, int window)
            throws IOException {
        try (IndexedFasta f = IndexedFasta.open(reference, cacheFolder, IndexedFasta.Progress.NONE, () -> false)) {
            String contig = ContigNames.match(chrom, f.sequences().keySet()).orElseThrow(() -> new IOException(
                    reference + ": no contig named " + chrom + " (with or without chr)"));
            long n = f.length(contig).orElseThrow();
            long p = pos - 1;
            if (p < 0 || p >= n) {
                throw new IOException(chrom + ":" + pos + " lies outside the contig (" + n + " bases)");
            }
            long s = Math.max(0, p - window / 2);
            long e = Math.min(n, s + window);
            return new ReferenceWindow(contig, s, f.fetch(contig, s, e).toUpperCase(Locale.ROOT), (int) (p - s));
        }
    }
}
