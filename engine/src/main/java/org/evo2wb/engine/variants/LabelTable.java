package org.evo2wb.engine.variants;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Labels of variants from a tab-separated file, one ALT allele a row: {@code chrom pos ref alt label}.
 *
 * <ul>
 *   <li>Lines starting with {@code #} are comments, blank lines are skipped.</li>
 *   <li>A first line whose second field is not a number is a header: the columns are then found by name
 *       ({@code chrom}/{@code #chrom}/{@code chromosome}, {@code pos}/{@code position}, {@code ref}, {@code alt},
 *       {@code label}; any case), other columns are ignored. Without a header the first five columns are taken in
 *       that order.</li>
 *   <li>{@code pos} is 1-based as in the VCF; contig names match with and without {@code chr} (and {@code M}/
 *       {@code MT}); {@code ref} and {@code alt} as the VCF writes them, in any case.</li>
 *   <li>{@code label}: 1/0 (true/false, yes/no), or with a named positive class that value is positive and any other
 *       negative; empty, {@code NA} and {@code .} mean "no label".</li>
 * </ul>
 *
 * A bad row, or the same allele listed twice with different labels, is refused with file and line.
 */
public final class LabelTable {

    private final Path file;
    private final Map<String, Boolean> labels;

    private LabelTable(Path file, Map<String, Boolean> labels) {
        this.file = file;
        this.labels = labels;
    }

    public Path file() {
        return file;
    }

    /** Rows read (distinct alleles). */
    public int size() {
        return labels.size();
    }

    /** True when the allele has a row (labelled or NA). */
    public boolean contains(String chrom, long pos, String ref, String alt) {
        return labels.containsKey(key(chrom, pos, ref, alt));
    }

    /** The allele's label: true, false, or null when it has no row or its row says NA. */
    public Boolean label(String chrom, long pos, String ref, String alt) {
        return labels.get(key(chrom, pos, ref, alt));
    }

    /** The key of an allele: contig without {@code chr} ({@code M} as {@code MT}), position, REF, ALT upper-cased. */
    public static String key(String chrom, long pos, String ref, String alt) {
        String c = chrom.regionMatches(true, 0, "chr", 0, 3) ? chrom.substring(3) : chrom;
        if (c.equalsIgnoreCase("M")) {
            c = "MT";
        }
        return c + ":" + pos + ":" + ref.toUpperCase(Locale.ROOT) + ":" + alt.toUpperCase(Locale.ROOT);
    }

    /**
     * Reads a label table.
     *
     * @param positiveValue the positive class value, or null for 1/0 labels
     */
    public static LabelTable read(Path file, String positiveValue) throws IOException {
        Map<String, Boolean> out = new HashMap<>();
        Map<String, Integer> lineOf = new HashMap<>();
        int[] cols = {0, 1, 2, 3, 4};
        int width = 5;
        boolean first = true;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank() || (line.startsWith("#") && !(first && line.contains("\t") && isHeader(line)))) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                if (first) {
                    first = false;
                    if (isHeader(line)) {
                        cols = columns(file, f);
                        width = Arrays.stream(cols).max().orElseThrow() + 1;
                        continue;
                    }
                }
                String where = file + ":" + n + ": ";
                if (f.length < width) {
                    throw new IOException(where + f.length + " fields; expected chrom, pos, ref, alt and label "
                            + "separated by tabs");
                }
                long pos;
                try {
                    pos = Long.parseLong(f[cols[1]].trim());
                } catch (NumberFormatException e) {
                    throw new IOException(where + "pos '" + f[cols[1]] + "' is not a 1-based position");
                }
                if (pos < 1) {
                    throw new IOException(where + "pos " + pos + " is not a 1-based position");
                }
                String ref = bases(where, "ref", f[cols[2]]);
                String alt = f[cols[3]].trim();
                if (alt.isEmpty() || alt.contains(" ")) {
                    throw new IOException(where + "alt '" + f[cols[3]] + "' is not an allele as the VCF writes it");
                }
                String chrom = f[cols[0]].trim();
                if (chrom.isEmpty()) {
                    throw new IOException(where + "empty chrom");
                }
                Boolean label = value(where, f[cols[4]], positiveValue);
                String key = key(chrom, pos, ref, alt);
                Integer before = lineOf.putIfAbsent(key, n);
                if (before != null && !java.util.Objects.equals(out.get(key), label)) {
                    throw new IOException(where + chrom + ":" + pos + " " + ref + ">" + alt + " is labelled "
                            + name(label) + " here and " + name(out.get(key)) + " on line " + before);
                }
                out.put(key, label);
            }
        }
        if (out.isEmpty()) {
            throw new IOException(file + ": no labelled variants (expected rows of chrom, pos, ref, alt, label)");
        }
        return new LabelTable(file, out);
    }

    private static boolean isHeader(String line) {
        String[] f = line.split("\t", -1);
        return f.length < 2 || !f[1].trim().matches("[0-9]+");
    }

    private static int[] columns(Path file, String[] header) throws IOException {
        List<String> names = Arrays.stream(header).map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
        String[][] accepted = {{"chrom", "#chrom", "chromosome", "chr", "contig"}, {"pos", "position"}, {"ref"},
            {"alt"}, {"label"}};
        int[] cols = new int[5];
        for (int c = 0; c < 5; c++) {
            cols[c] = -1;
            for (String a : accepted[c]) {
                if (cols[c] < 0) {
                    cols[c] = names.indexOf(a);
                }
            }
            if (cols[c] < 0) {
                throw new IOException(file + ":1: no " + accepted[c][0] + " column in the header (columns: "
                        + String.join(", ", header) + "); expected chrom, pos, ref, alt, label");
            }
        }
        return cols;
    }

    private static String bases(String where, String column, String value) throws IOException {
        String v = value.trim();
        if (v.isEmpty() || !v.chars().allMatch(ch -> "ACGTNRYSWKMBDHVacgtnryswkmbdhv".indexOf(ch) >= 0)) {
            throw new IOException(where + column + " '" + value + "' is not a run of bases (A, C, G, T, N or IUPAC codes)");
        }
        return v;
    }

    /** Reads one label value: 1/0 (true/false, yes/no) or the positive class; null for empty, NA or ".". */
    static Boolean value(String where, String value, String positiveValue) throws IOException {
        String v = value.trim();
        if (v.isEmpty() || v.equals(".") || v.equalsIgnoreCase("NA")) {
            return null;
        }
        if (positiveValue != null) {
            return v.equals(positiveValue);
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "1", "true", "yes" -> true;
            case "0", "false", "no" -> false;
            default -> throw new IOException(where + "label '" + value + "' is not 1 or 0; name the positive class "
                    + "value (--positive-label)");
        };
    }

    private static String name(Boolean label) {
        return label == null ? "NA" : label ? "1" : "0";
    }
}
