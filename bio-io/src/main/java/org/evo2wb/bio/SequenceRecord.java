package org.evo2wb.bio;

import java.util.List;

/**
 * One sequence record as the file states it: bases with their case kept (lowercase = soft-masked), IUPAC codes and
 * N kept, declared topology and molecule type, features, and any warnings raised while reading it.
 *
 * @param id the identifier (FASTA: first word of the header; GenBank: LOCUS name, or ACCESSION.VERSION if present;
 *     EMBL: the ID/AC accession)
 * @param description the rest of the FASTA header, or the DEFINITION / DE line
 * @param sequence the bases exactly as written (whitespace and digits removed)
 * @param topology declared topology
 * @param molecule declared molecule type
 * @param features the feature table in file order (empty for FASTA)
 * @param warnings problems that did not prevent reading the record but that a user must see
 * @param source where it came from: file name and 1-based line of the record's first line
 */
public record SequenceRecord(
        String id,
        String description,
        String sequence,
        Topology topology,
        MoleculeType molecule,
        List<Feature> features,
        List<String> warnings,
        String source) {

    public SequenceRecord {
        features = List.copyOf(features);
        warnings = List.copyOf(warnings);
    }

    public int length() {
        return sequence.length();
    }
}
