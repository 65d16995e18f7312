package org.evo2wb.bio;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One annotated feature of a record (GenBank/EMBL feature table entry).
 *
 * @param type the feature key as written in the file ({@code gene}, {@code CDS}, {@code tRNA}, ...)
 * @param location where it lies on the record
 * @param qualifiers qualifier name to values, in file order ({@code gene}, {@code product}, {@code locus_tag},
 *     {@code note}, ...); a qualifier without value maps to an empty string; a qualifier given twice has two values
 */
public record Feature(String type, Location location, Map<String, List<String>> qualifiers) {

    public Feature {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        qualifiers.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        qualifiers = Collections.unmodifiableMap(copy);
    }

    /** First value of a qualifier, or {@code null}. */
    public String qualifier(String name) {
        List<String> values = qualifiers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** All values of a qualifier in file order (empty when absent). */
    public List<String> qualifiers(String name) {
        return qualifiers.getOrDefault(name, List.of());
    }

    /** A short label for display: gene, then locus_tag, then product, then the type. */
    public String label() {
        for (String key : List.of("gene", "locus_tag", "product", "label", "note")) {
            String v = qualifier(key);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return type;
    }
}
