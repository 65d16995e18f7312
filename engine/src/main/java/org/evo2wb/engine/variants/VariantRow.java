package org.evo2wb.engine.variants;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One ALT allele of a scored VCF as the {@code --tsv} table of {@link VariantScoring} holds it.
 *
 * @param allele 1-based ALT number within its record
 * @param label true, false, or null when unlabelled
 * @param windowStart 1-based first base of both windows, or -1 when not scored
 * @param delta Δ, NaN when not scored
 * @param status {@code ok} or a {@link SkipReason} code
 */
public record VariantRow(String chrom, long pos, String id, String ref, String alt, int allele, Boolean label,
                         long windowStart, double delta, String status) {

    public boolean scored() {
        return status.equals("ok");
    }

    /** Reads the table written by {@link VariantScoring}. */
    public static List<VariantRow> readTsv(Path tsv) throws IOException {
        List<VariantRow> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(tsv, StandardCharsets.UTF_8)) {
            String line = r.readLine();
            if (line == null || !line.startsWith("chrom\tpos\tid\tref\talt")) {
                throw new IOException(tsv + ": not a variants table (expected the header chrom, pos, id, ref, alt, ...)");
            }
            int n = 1;
            while ((line = r.readLine()) != null) {
                n++;
                String[] f = line.split("\t", -1);
                if (f.length != 12) {
                    throw new IOException(tsv + ":" + n + ": " + f.length + " fields, expected 12");
                }
                try {
                    Boolean label = f[6].equals("NA") ? null : f[6].equals("1");
                    boolean ok = f[11].equals("ok");
                    out.add(new VariantRow(f[0], Long.parseLong(f[1]), f[2], f[3], f[4], Integer.parseInt(f[5]), label,
                            ok ? Long.parseLong(f[7]) : -1, ok ? Double.parseDouble(f[10]) : Double.NaN, f[11]));
                } catch (NumberFormatException e) {
                    throw new IOException(tsv + ":" + n + ": " + e.getMessage(), e);
                }
            }
        }
        return out;
    }
}
