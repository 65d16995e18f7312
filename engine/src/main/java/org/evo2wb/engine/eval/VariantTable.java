package org.evo2wb.engine.eval;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A tab-separated table of single-nucleotide variants with a header line, e.g. the saturation genome editing table
 * of Findlay et al. 2018 for BRCA1 ({@code gene chrom pos_hg19 ref alt ... label_lof}). Columns are found by name.
 *
 * <p>Labels: with {@code positiveLabel} null the label column must hold {@code 1}/{@code 0} (also {@code true}/
 * {@code false}, {@code yes}/{@code no}); with a positive label given (e.g. {@code LOF} for a {@code func_class}
 * column), that value is positive and any other value negative. Empty, {@code NA} and {@code .} mean "no label":
 * such variants are scored but left out of the AUROC.
 */
public final class VariantTable {

    /**
     * Column names and the label convention.
     *
     * @param position 1-based position column (same coordinates as the reference)
     * @param ref reference base column
     * @param alt alternative base column
     * @param label class column (positive = damaging)
     * @param positiveLabel the positive class value, or null for 1/0 labels
     * @param id optional name column copied to the output (e.g. {@code hgvs_c}); ignored when absent
     */
    public record Columns(String position, String ref, String alt, String label, String positiveLabel, String id) {

        /** The Findlay et al. 2018 BRCA1 table: {@code pos_hg19}, {@code ref}, {@code alt}, {@code label_lof}. */
        public static Columns defaults() {
            return new Columns("pos_hg19", "ref", "alt", "label_lof", null, "hgvs_c");
        }
    }

    /**
     * One variant.
     *
     * @param line 1-based line in the table
     * @param id the id column's value, or {@code line N} when there is none
     * @param position 1-based position
     * @param ref reference base (upper case)
     * @param alt alternative base (upper case)
     * @param label true = positive (damaging), false = negative, null = no label
     */
    public record Variant(int line, String id, long position, char ref, char alt, Boolean label) {
    }

    private VariantTable() {
    }

    /** Reads every variant; the first problem found is reported with file, line and column. */
    public static List<Variant> read(Path file, Columns c) throws IOException {
        List<Variant> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            if (header == null) {
                throw new IOException(file + ": empty file; expected a tab-separated header line");
            }
            List<String> names = Arrays.asList(header.split("\t", -1));
            int pos = column(file, names, c.position(), "position");
            int ref = column(file, names, c.ref(), "reference base");
            int alt = column(file, names, c.alt(), "alternative base");
            int label = column(file, names, c.label(), "label");
            int id = c.id() == null ? -1 : names.indexOf(c.id());
            String line;
            int n = 1;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                if (f.length != names.size()) {
                    throw new IOException(file + ":" + n + ": " + f.length + " fields, the header has "
                            + names.size());
                }
                String where = file + ":" + n + ": ";
                long p;
                try {
                    p = Long.parseLong(f[pos].trim().replace(",", ""));
                } catch (NumberFormatException e) {
                    throw new IOException(where + "column " + c.position() + " holds '" + f[pos]
                            + "', not a position");
                }
                char refBase = base(where, c.ref(), f[ref]);
                char altBase = base(where, c.alt(), f[alt]);
                if (refBase == altBase) {
                    throw new IOException(where + "the variant base " + altBase + " (column " + c.alt()
                            + ") equals the reference base: not a variant");
                }
                out.add(new Variant(n, id >= 0 ? f[id] : "line " + n, p, refBase, altBase, label(where, c, f[label])));
            }
        }
        if (out.isEmpty()) {
            throw new IOException(file + ": no variants below the header");
        }
        return out;
    }

    private static int column(Path file, List<String> names, String name, String what) throws IOException {
        int i = names.indexOf(name);
        if (i < 0) {
            throw new IOException(file + ": no " + what + " column '" + name + "' in the header (columns: "
                    + String.join(", ", names) + ")");
        }
        return i;
    }

    private static char base(String where, String column, String value) throws IOException {
        String v = value.trim().toUpperCase(Locale.ROOT);
        if (v.length() != 1 || "ACGT".indexOf(v.charAt(0)) < 0) {
            throw new IOException(where + "column " + column + " holds '" + value
                    + "'; single-nucleotide variants need one of A, C, G, T");
        }
        return v.charAt(0);
    }

    private static Boolean label(String where, Columns c, String value) throws IOException {
        String v = value.trim();
        if (v.isEmpty() || v.equalsIgnoreCase("NA") || v.equals(".")) {
            return null;
        }
        if (c.positiveLabel() != null) {
            return v.equals(c.positiveLabel());
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "1", "true", "yes" -> true;
            case "0", "false", "no" -> false;
            default -> throw new IOException(where + "column " + c.label() + " holds '" + value + "'; expected 1 or 0 "
                    + "(or name the positive class value)");
        };
    }
}
