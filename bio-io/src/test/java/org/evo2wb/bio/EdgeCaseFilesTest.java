package org.evo2wb.bio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.evo2wb.bio.TestData.assertMentions;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The reference set's edge-case files, each of which a popular library gets silently wrong. */
class EdgeCaseFilesTest {

    private static SequenceFormatException failure(String file) {
        return assertThrows(SequenceFormatException.class, () -> SequenceFiles.read(TestData.path(file)));
    }

    @Test
    void recordsSharingAnAccessionInTheirHeadersAllComeBack() throws Exception {
        List<SequenceRecord> cds = SequenceFiles.read(TestData.path("fasta/biopython_NC_005816.ffn.gz"));
        assertEquals(10, cds.size());
        assertEquals("ref|NC_005816.1|:87-1109", cds.get(0).id());
        assertEquals("putative transposase [Yersinia pestis biovar Microtus str. 91001]", cds.get(0).description());
        assertEquals("ref|NC_005816.1|:c8360-8088", cds.get(9).id());
        assertEquals(1109 - 87 + 1, cds.get(0).length());
        assertEquals("biopython_NC_005816.ffn.gz:1", cds.get(0).source());
    }

    @Test
    void recordWithoutItsClosingLineButWithAllDeclaredBasesIsReadWithAWarning() throws Exception {
        List<SequenceRecord> r = SequenceFiles.read(TestData.path("genbank/biopython_no_end_marker.gb.gz"));
        assertEquals(1, r.size());
        assertEquals(6497, r.get(0).length());
        assertEquals(1, r.get(0).warnings().size());
        assertMentions(r.get(0).warnings().get(0), "ends without the '//'", "6497");
        assertTrue(r.get(0).sequence().endsWith("cgctggaaggagcatga"));
    }

    @Test
    void conRecordWithoutSequenceIsAnErrorThatSaysSo() {
        SequenceFormatException e = failure("genbank/biopython_DS830848.gb");
        assertMentions(e.getMessage(), "biopython_DS830848.gb", "line 1", "record DS830848.1", "CON record",
                "join(ABJB010667125.1:1..1311)");
        assertEquals("DS830848.1", e.record());
        assertEquals(1, e.line());
    }

    @Test
    void recordWithNeitherOriginNorClosingLineIsAnError() {
        SequenceFormatException e = failure("genbank/biopython_no_origin_no_end.gb");
        assertMentions(e.getMessage(), "biopython_no_origin_no_end.gb", "line 14", "record AB070938.1",
                "ORIGIN", "truncated");
    }

    @Test
    void proteinRecordsAreRejectedAsProtein() {
        SequenceFormatException blank = failure("genbank/biopython_blank_seq.gb");
        assertMentions(blank.getMessage(), "biopython_blank_seq.gb", "line 1", "record NP_001832", "protein record",
                "360 aa");
        SequenceFormatException refseq = failure("genbank/biopython_protein_refseq.gb");
        assertMentions(refseq.getMessage(), "biopython_protein_refseq.gb", "record NP_034640", "protein record");
    }

    @Test
    void negativeLocationIsAnErrorNamingTheFeatureLine() {
        SequenceFormatException e = failure("genbank/biopython_negative_location.gb.gz");
        assertMentions(e.getMessage(), "biopython_negative_location.gb.gz", "line 15", "record AB070938.1",
                "feature CDS", "negative position -2", "complement(-2..492)");
        assertEquals(15, e.line());
    }

    @Test
    void semicolonCommentLinesAreKeptApartFromTheBases() throws Exception {
        SequenceRecord mito = SequenceFiles.read(TestData.path("fasta/seqinr_humanMito_semicolon_comments.fasta"))
                .get(0);
        assertEquals(16571, mito.length());
        assertTrue(mito.sequence().startsWith("GATCACAGGTCTATCACCCTATTAACC"));
        assertMentions(mito.annotation(SequenceRecord.KEY_COMMENT), "Stefanie Hartmann",
                "reproduce a behaviour of the count() function");
    }

    @Test
    void softMaskedCaseAndIupacCodesAreKeptAsWritten() throws Exception {
        List<SequenceRecord> lep = SequenceFiles.read(TestData.path(
                "fasta/any2fasta_Lkirschneri_24contigs_iupac.fna.gz"));
        String all = String.join("", lep.stream().map(SequenceRecord::sequence).toList());
        assertEquals(1, all.chars().filter(c -> c == 'R').count());
        assertEquals(1, all.chars().filter(c -> c == 'Y').count());
        assertEquals(1, all.chars().filter(c -> c == 'N').count());

        SequenceRecord hiv = SequenceFiles.read(TestData.path("fasta/biopython_HIV1_NC_001802_lowercase.fna.gz"))
                .get(0);
        assertTrue(hiv.sequence().chars().allMatch(c -> "acgt".indexOf(c) >= 0));
        assertEquals(1.0, RecordQc.of(hiv).lowercaseFraction());
    }
}
