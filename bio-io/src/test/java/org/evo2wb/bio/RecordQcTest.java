package org.evo2wb.bio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordQcTest {

    private static SequenceRecord record(String bases, List<Feature> features) {
        return new SequenceRecord("r", "", bases, Topology.LINEAR, MoleculeType.DNA, features, List.of(), "t");
    }

    @Test
    void countsEveryFigureOnAHandCheckedSequence() {
        // 20 bases: A C G T a c g t (8 ACGT of which 4 GC) + N n N (3 N) + R y K (3 IUPAC) + GGCC (4 GC) + ATu?
        String s = "ACGTacgtNnNRyKGGCCAU";
        Location loc = new Location(List.of(new Location.Span(1, 5, Strand.FORWARD, false, false)), Strand.FORWARD,
                false, "1..5");
        Feature gene = new Feature("gene", loc, Map.of());
        Feature cds = new Feature("CDS", loc, Map.of());
        RecordQc qc = RecordQc.of(record(s, List.of(cds, gene, cds)));
        assertEquals(20, qc.length());
        // A/T/U: A T a t A U = 6, G/C: C G c g G G C C = 8
        assertEquals(8.0 / 14.0, qc.gcFraction(), 1e-12);
        assertEquals(3.0 / 20.0, qc.nFraction(), 1e-12);
        assertEquals(6.0 / 20.0, qc.lowercaseFraction(), 1e-12); // a c g t n y
        assertEquals(3, qc.iupacCount());
        assertEquals(Map.of("CDS", 2, "gene", 1), qc.featureCounts());
        assertEquals(List.of("CDS", "gene"), List.copyOf(qc.featureCounts().keySet()));
        assertEquals(3, qc.featureCount());
    }

    @Test
    void onlyNGivesNoGcFraction() {
        RecordQc qc = RecordQc.of(record("NNNN", List.of()));
        assertTrue(Double.isNaN(qc.gcFraction()));
        assertEquals(1.0, qc.nFraction());
    }

    @Test
    void realChromosomeStartWithItsNRun() throws Exception {
        SequenceRecord chr1 = SequenceFiles.read(TestData.path("fasta/biopython_human_g1k_v37_chr1_truncated.fasta.gz"))
                .get(0);
        RecordQc qc = RecordQc.of(chr1);
        assertEquals(239940, qc.length());
        assertEquals(60000.0 / 239940, qc.nFraction(), 1e-12);
        assertTrue(chr1.sequence().startsWith("N".repeat(10000)));
        assertTrue(qc.gcFraction() > 0.3 && qc.gcFraction() < 0.7);
    }
}
