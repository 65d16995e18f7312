package org.evo2wb.engine.fuzz;

import java.util.List;
import org.evo2wb.bio.SequenceFormat;

/** The readers the workbench fuzzes. One more reader is one more entry here. */
public final class FuzzTargets {

    private FuzzTargets() {}

    /** FASTA, GenBank, EMBL, {@code .pt} and safetensors. */
    public static List<FuzzTarget> standard() {
        return List.of(
                new SequenceTarget(SequenceFormat.FASTA, List.of(">", ";", ">x", "", "NNNN", "acgt")),
                new SequenceTarget(SequenceFormat.GENBANK, List.of("LOCUS       X 1500000000 bp DNA linear",
                        "LOCUS", "//", "ORIGIN", "FEATURES             Location/Qualifiers",
                        "     CDS             join(1..10,complement(20..30))", "CONTIG      join(A:1..5)",
                        "        1 acgt", "ACCESSION   ", "GBBCT1.SEQ          Genetic Sequence Data Bank",
                        "       1 loci,       5 bases, from 1 reported sequences")),
                new SequenceTarget(SequenceFormat.EMBL, List.of("ID   X; SV 1; linear; DNA; STD; PRO; 1500000000 BP.",
                        "ID   ", "//", "SQ   Sequence 10 BP;", "FT   CDS             1..3000000000", "XX",
                        "AC   ", "     acgtacgt 8", "CO   join(A:1..5)")),
                new CheckpointTargets.Pt(),
                new CheckpointTargets.SafetensorsTarget());
    }
}
