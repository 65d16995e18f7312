package org.evo2wb.bio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.evo2wb.bio.Location.Span;
import org.junit.jupiter.api.Test;

/** Locations, qualifiers and header facts of real GenBank and EMBL records. */
class FeatureTableTest {

    private static SequenceRecord only(String file) throws Exception {
        List<SequenceRecord> records = SequenceFiles.read(TestData.path(file));
        assertEquals(1, records.size());
        return records.get(0);
    }

    private static Feature first(SequenceRecord r, String type, String locationText) {
        return r.features().stream()
                .filter(f -> f.type().equals(type) && f.location().text().equals(locationText))
                .findFirst().orElseThrow(() -> new AssertionError("no " + type + " at " + locationText));
    }

    @Test
    void originSpanningJoinInACircularRecordIsKeptInBiologicalOrderWithoutWarning() throws Exception {
        SequenceRecord phiX = only("genbank/biopython_NC_001422.gbk.gz");
        assertEquals(Topology.CIRCULAR, phiX.topology());
        assertEquals(MoleculeType.DNA, phiX.molecule());
        assertEquals("ss-DNA", phiX.annotation(SequenceRecord.KEY_MOLECULE_TEXT));
        assertEquals("NC_001422.1", phiX.id());
        Location loc = first(phiX, "CDS", "join(3981..5386,1..136)").location();
        assertEquals(List.of(new Span(3981, 5386, Strand.FORWARD, false, false), new Span(1, 136, Strand.FORWARD,
                false, false)), loc.spans());
        assertEquals(5386 - 3981 + 1 + 136, loc.length());
        assertTrue(phiX.warnings().isEmpty(), phiX.warnings().toString());
    }

    @Test
    void originSpanningRangeInALinearRecordIsSplitWithAWarning() throws Exception {
        SequenceRecord addgene = only("genbank/biopython_addgene-plasmid-11664-sequence-180430.gbk.gz");
        assertEquals(Topology.LINEAR, addgene.topology());
        assertEquals("Exported", addgene.id()); // ACCESSION and VERSION are "."
        Location loc = first(addgene, "enhancer", "8569..276").location();
        assertEquals(List.of(new Span(8569, 8596, Strand.FORWARD, false, false),
                new Span(1, 276, Strand.FORWARD, false, false)), loc.spans());
        assertEquals(1, addgene.warnings().size());
        String w = addgene.warnings().get(0);
        assertTrue(w.contains("line 174") && w.contains("8569..276") && w.contains("linear"), w);
        // SnapGene's unquoted qualifier values are kept as written
        assertEquals("CMV promoter", first(addgene, "promoter", "277..480").qualifier("label"));
    }

    @Test
    void locationWrappedInsideANumberAcrossLinesIsJoinedBackTogether() throws Exception {
        // "4876..502" + newline + "8": the file's name says "wrap", but it is a line wrap, not an origin wrap
        SequenceRecord r = only("genbank/biopython_bad_loc_wrap.gb.gz");
        Feature cds = r.features().get(0);
        assertEquals("join(3462..3615,3698..3978,4077..4307,4408..4797,4876..5028,5141..5332)",
                cds.location().text());
        assertEquals(6, cds.location().spans().size());
        assertEquals(new Span(4876, 5028, Strand.FORWARD, false, false), cds.location().spans().get(4));
        assertEquals(Topology.UNKNOWN, r.topology()); // the LOCUS line states no topology
        assertTrue(r.warnings().isEmpty(), r.warnings().toString());
        assertEquals("T25K16.1", cds.qualifier("product"));
        assertTrue(cds.qualifier("translation").startsWith("MEDQVGFGFRPNDEELVGHYLRNKIEGNTSRDVEVAISEVNICSYDPWNLRF"));
        assertFalse(cds.qualifier("translation").contains(" "));
    }

    @Test
    void complementOfAJoinReversesThePartsOntoTheReverseStrand() throws Exception {
        SequenceRecord arab = only("genbank/biopython_arab1.gb.gz");
        Location loc = first(arab, "CDS", "complement(join(6617..6953,7266..7351,7464..7603,7916..7998,8087..8166,"
                + "8273..8368))").location();
        assertEquals(Strand.REVERSE, loc.strand());
        assertEquals(new Span(8273, 8368, Strand.REVERSE, false, false), loc.spans().get(0));
        assertEquals(new Span(6617, 6953, Strand.REVERSE, false, false), loc.spans().get(5));
        assertEquals(6617, loc.min());
        assertEquals(8368, loc.max());
        assertFalse(loc.order());
    }

    @Test
    void orderBetweenAndFuzzyLocationsAndRepeatedQualifiers() throws Exception {
        SequenceRecord r = only("genbank/biopython_NC_005816.gb.gz");
        assertEquals(Topology.CIRCULAR, r.topology());
        assertEquals("Yersinia pestis biovar Microtus str. 91001", r.annotation(SequenceRecord.KEY_ORGANISM));
        assertTrue(r.annotation(SequenceRecord.KEY_TAXONOMY).startsWith("Bacteria; Proteobacteria;"));
        assertEquals("BCT", r.annotation(SequenceRecord.KEY_DIVISION));

        Location order = first(r, "misc_feature", "order(1436..1459,1619..1621)").location();
        assertTrue(order.order());
        assertEquals(2, order.spans().size());

        Location between = first(r, "variation", "5933^5934").location();
        assertEquals(List.of(new Span(5933, 5934, Strand.FORWARD, true, true)), between.spans());

        Location fuzzy = first(r, "misc_feature", "<111..209").location();
        assertEquals(List.of(new Span(111, 209, Strand.FORWARD, true, false)), fuzzy.spans());

        Feature cds = first(r, "CDS", "87..1109");
        assertEquals("YP_pPCP01", cds.qualifier("locus_tag"));
        assertEquals("putative transposase", cds.qualifier("product"));
        assertEquals(List.of("GI:45478712", "GeneID:2767718"), cds.qualifiers("db_xref"));
        assertTrue(cds.qualifier("note").startsWith("similar to corresponding CDS from previously sequenced pPCP"
                + " plasmid of Yersinia pestis KIM (AF053945) and CO92"), cds.qualifier("note"));
        assertEquals(List.of("locus_tag", "note", "codon_start", "transl_table", "product", "protein_id", "db_xref",
                "translation"), List.copyOf(cds.qualifiers().keySet()));
    }

    @Test
    void oneOfPositionsAndPartsOnOtherEntries() throws Exception {
        SequenceRecord r = only("genbank/biopython_one_of.gb.gz");
        Location exon = first(r, "exon", "one-of(1888,1901)..2479").location();
        assertEquals(List.of(new Span(1888, 2479, Strand.FORWARD, true, false)), exon.spans());

        Location gene = first(r, "gene", "join(1888..2509,U18267.1:1..270,U18268.1:1..309,U18270.1:1..6905,"
                + "U18269.1:1..128,U18271.1:1..3234)").location();
        assertEquals(6, gene.spans().size());
        assertEquals(List.of(new Span(1888, 2509, Strand.FORWARD, false, false)), gene.localSpans());
        assertEquals(new Span(1, 270, Strand.FORWARD, false, false, "U18267.1"), gene.spans().get(1));
        assertEquals(2509 - 1888 + 1, gene.length());

        Location cds = first(r, "CDS", "join(2201..2479,U18267.1:120..246,U18268.1:130..288,U18270.1:4691..4788,"
                + "U18269.1:82..>128)").location();
        assertEquals(new Span(82, 128, Strand.FORWARD, false, true, "U18269.1"), cds.spans().get(4));
        assertEquals("TMPO", first(r, "gene", gene.text()).qualifier("gene"));
        assertTrue(r.warnings().isEmpty(), r.warnings().toString());
    }

    @Test
    void valuelessQualifierIsAnEmptyStringNextToTheQuotedOne() throws Exception {
        Feature source = only("genbank/biopython_empty_feature_qualifier.gb.gz").features().get(0);
        assertEquals(List.of("This is a correct note, the following one isn't", ""), source.qualifiers("note"));
    }

    @Test
    void textOnTheOriginLineIsNotTakenForBases() throws Exception {
        SequenceRecord r = only("genbank/biopython_origin_line.gb");
        assertEquals(180, r.length());
        assertTrue(r.sequence().startsWith("ttaattaactgtcttcgattgcg"));
        assertEquals(Topology.CIRCULAR, r.topology());
        assertEquals("fake", first(r, "gene", "20..120").qualifier("gene"));
    }

    @Test
    void oldStyleLocusLinesGiveMoleculeButNoTopology() throws Exception {
        List<SequenceRecord> cor = SequenceFiles.read(TestData.path("genbank/biopython_cor6_6.gb.gz"));
        assertEquals(MoleculeType.RNA, cor.get(0).molecule()); // ATCOR66M, mRNA
        assertEquals("mRNA", cor.get(0).annotation(SequenceRecord.KEY_MOLECULE_TEXT));
        assertEquals(MoleculeType.DNA, cor.get(1).molecule()); // ATKIN2, DNA
        assertTrue(cor.stream().allMatch(r -> r.topology() == Topology.UNKNOWN));
    }

    @Test
    void recordsSharingAnIdentifierAreAllKeptWithAWarning() throws Exception {
        List<SequenceRecord> k = SequenceFiles.read(TestData.path(
                "genbank/kaptive_Klebsiella_K_locus_variant_reference.gbk.gz"));
        List<SequenceRecord> same = k.stream().filter(r -> r.id().equals("KR007673.1")).toList();
        assertEquals(2, same.size());
        assertTrue(same.get(0).warnings().isEmpty());
        assertTrue(same.get(1).warnings().get(0).contains("also used by the record at"
                + " kaptive_Klebsiella_K_locus_variant_reference.gbk.gz:"), same.get(1).warnings().toString());
    }

    @Test
    void emblCurrentAndOldIdLines() throws Exception {
        SequenceRecord current = only("embl/biopython_AE017046.embl.gz");
        assertEquals("AE017046.1", current.id());
        assertEquals(Topology.CIRCULAR, current.topology());
        assertEquals(MoleculeType.DNA, current.molecule());
        assertEquals("PRO", current.annotation(SequenceRecord.KEY_DIVISION));
        assertEquals(9609, current.length());

        SequenceRecord old = only("embl/biopython_U87107.embl.gz");
        assertEquals("U87107.1", old.id()); // from the separate SV line of the old layout
        assertEquals(8840, old.length());
        assertEquals(Topology.UNKNOWN, old.topology());
        Location cds = first(old, "CDS", "complement(933..2081)").location();
        assertEquals(List.of(new Span(933, 2081, Strand.REVERSE, false, false)), cds.spans());

        List<SequenceRecord> two = SequenceFiles.read(TestData.path("embl/any2fasta_test.embl"));
        assertEquals(List.of("K02675.1", "L02679.1"), two.stream().map(SequenceRecord::id).toList());
        assertEquals("Plasmid pWM5", two.get(0).annotation(SequenceRecord.KEY_ORGANISM));
        assertTrue(two.get(0).description().startsWith("Plasmid pWM5 (mini-plasmid derivative of chimeric R/Ent"
                + " plasmid pCG86 from E.coli)"));
        assertTrue(two.get(0).sequence().startsWith("agtcgcttttaattatgaatgttgtaacta"));
    }

    @Test
    void sameOrchidsFromFastaAndGenbankHaveTheSameBasesUpToCase() throws Exception {
        List<SequenceRecord> fasta = SequenceFiles.read(TestData.path("fasta/biopython_ls_orchid.fasta.gz"));
        List<SequenceRecord> gb = SequenceFiles.read(TestData.path("genbank/biopython_ls_orchid.gbk.bz2"));
        assertEquals(fasta.size(), gb.size());
        for (int i = 0; i < fasta.size(); i++) {
            assertEquals(fasta.get(i).sequence(), gb.get(i).sequence().toUpperCase(), fasta.get(i).id());
        }
        assertEquals("gi|2765658|emb|Z78533.1|CIZ78533", fasta.get(0).id());
        assertEquals("Z78533.1", gb.get(0).id());
        assertNull(fasta.get(0).annotation(SequenceRecord.KEY_ORGANISM));
        assertEquals("Cypripedium irapeanum", gb.get(0).annotation(SequenceRecord.KEY_ORGANISM));
    }
}
