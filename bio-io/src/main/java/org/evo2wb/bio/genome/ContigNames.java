package org.evo2wb.bio.genome;

import java.util.Optional;
import java.util.Set;

/**
 * Matches a contig name of a VCF against the reference's names, with and without the {@code chr} prefix
 * ({@code chr17} ↔ {@code 17}; the mitochondrion also as {@code chrM} ↔ {@code MT}). An exact match wins.
 */
public final class ContigNames {

    private ContigNames() {
    }

    public static Optional<String> match(String name, Set<String> reference) {
        if (reference.contains(name)) {
            return Optional.of(name);
        }
        String bare = name.regionMatches(true, 0, "chr", 0, 3) ? name.substring(3) : name;
        for (String candidate : new String[] {bare, "chr" + bare,
            bare.equals("M") ? "MT" : bare.equals("MT") ? "M" : null,
            bare.equals("M") ? "chrMT" : bare.equals("MT") ? "chrM" : null}) {
            if (candidate != null && reference.contains(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
