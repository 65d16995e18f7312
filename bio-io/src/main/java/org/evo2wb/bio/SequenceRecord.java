package org.evo2wb.bio;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One sequence record as the file states it: bases with their case kept (lowercase = soft-masked in FASTA; GenBank and
 * EMBL write every base in lowercase by convention), IUPAC codes and N kept, declared topology and molecule type,
 * features, and any warnings raised while reading it.
 *
 * @param id the identifier (FASTA: first word of the header; GenBank: ACCESSION.VERSION from the VERSION line, else
 *     the ACCESSION, else the LOCUS name; EMBL: the accession, with {@code .SV} version when the ID line gives one)
 * @param description the rest of the FASTA header, or the DEFINITION / DE line
 * @param sequence the bases exactly as written (whitespace and digits removed)
 * @param topology declared topology
 * @param molecule declared molecule type
 * @param features the feature table in file order (empty for FASTA)
 * @param warnings problems that did not prevent reading the record but that a user must see
 * @param source where it came from: file name and 1-based line of the record's first line ({@code x.gb:120})
 * @param annotations further header facts, keyed by the {@code KEY_*} constants (absent keys were not in the file)
 */
public record SequenceRecord(
        String id,
        String description,
        String sequence,
        Topology topology,
        MoleculeType molecule,
        List<Feature> features,
        List<String> warnings,
        String source,
        Map<String, String> annotations) {

    /** Organism name (GenBank {@code ORGANISM}, EMBL {@code OS}). */
    public static final String KEY_ORGANISM = "organism";
    /** Lineage (GenBank lines under {@code ORGANISM}, EMBL {@code OC}), semicolon-separated. */
    public static final String KEY_TAXONOMY = "taxonomy";
    /** Primary accession. */
    public static final String KEY_ACCESSION = "accession";
    /** Accession.version. */
    public static final String KEY_VERSION = "version";
    /** GenBank LOCUS name / EMBL ID name. */
    public static final String KEY_LOCUS = "locus";
    /** Length stated by the LOCUS / ID line. */
    public static final String KEY_DECLARED_LENGTH = "declared_length";
    /** Molecule type text as written ({@code ds-DNA}, {@code mRNA}, {@code genomic DNA}). */
    public static final String KEY_MOLECULE_TEXT = "molecule_text";
    /** GenBank division / EMBL taxonomic division ({@code BCT}, {@code PLN}, ...). */
    public static final String KEY_DIVISION = "division";
    /** FASTA {@code ;} comment lines of this record, joined by newlines. */
    public static final String KEY_COMMENT = "comment";
    /** The file format the record came from ({@code FASTA}, {@code GENBANK}, {@code EMBL}). */
    public static final String KEY_FORMAT = "format";

    public SequenceRecord {
        features = List.copyOf(features);
        warnings = List.copyOf(warnings);
        annotations = Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
    }

    /** A record without header annotations. */
    public SequenceRecord(String id, String description, String sequence, Topology topology, MoleculeType molecule,
            List<Feature> features, List<String> warnings, String source) {
        this(id, description, sequence, topology, molecule, features, warnings, source, Map.of());
    }

    public int length() {
        return sequence.length();
    }

    /** An annotation value, or {@code null}. */
    public String annotation(String key) {
        return annotations.get(key);
    }
}
