package org.evo2wb.bio.vcf;

import java.util.List;

/**
 * One data line of a VCF.
 *
 * @param line 1-based line number in the (uncompressed) file
 * @param index 0-based record number (data lines only)
 * @param fields the tab-separated fields as read (CHROM POS ID REF ALT QUAL FILTER INFO, then any FORMAT/samples)
 * @param position POS: 1-based position of REF's first base
 * @param alts the ALT alleles (empty when ALT is {@code .})
 */
public record VcfRecord(long line, long index, String[] fields, long position, List<String> alts) {

    public String chrom() {
        return fields[0];
    }

    public String id() {
        return fields[2];
    }

    public String ref() {
        return fields[3];
    }

    public String info() {
        return fields[7];
    }

    /**
     * The value of INFO key {@code key}: its text after {@code =}, the empty string for a flag, or null when
     * absent.
     */
    public String infoValue(String key) {
        String info = info();
        if (info.equals(".")) {
            return null;
        }
        for (String part : info.split(";")) {
            int eq = part.indexOf('=');
            String k = eq < 0 ? part : part.substring(0, eq);
            if (k.equals(key)) {
                return eq < 0 ? "" : part.substring(eq + 1);
            }
        }
        return null;
    }

    /** The line with {@code entries} (already formatted {@code KEY=value}) appended to INFO. */
    public String withInfo(String entries) {
        String[] f = fields.clone();
        f[7] = f[7].equals(".") || f[7].isEmpty() ? entries : f[7] + ";" + entries;
        return String.join("\t", f);
    }
}
