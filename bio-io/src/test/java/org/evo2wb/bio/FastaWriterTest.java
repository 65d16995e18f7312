package org.evo2wb.bio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FastaWriterTest {

    @TempDir
    Path dir;

    @Test
    void writesHeaderAndFixedWidthLines() throws Exception {
        SequenceRecord r = new SequenceRecord("x1", "two words", "ACGTACGTAC", Topology.UNKNOWN,
                MoleculeType.UNKNOWN, List.of(), List.of(), "test");
        SequenceRecord bare = new SequenceRecord("y", "", "acgN", Topology.UNKNOWN, MoleculeType.UNKNOWN,
                List.of(), List.of(), "test");
        StringWriter out = new StringWriter();
        FastaWriter.write(out, List.of(r, bare), 4);
        assertEquals(">x1 two words\nACGT\nACGT\nAC\n>y\nacgN\n", out.toString());
    }

    @ParameterizedTest
    @ValueSource(ints = {FastaWriter.NCBI_WIDTH, FastaWriter.WIDE})
    void softMaskedGenbankAndFastaRecordsSurviveARoundTrip(int width) throws Exception {
        List<SequenceRecord> masked = SequenceFiles.read(TestData.path("fasta/biopython_blat_hg38_softmasked.fa.gz"));
        List<SequenceRecord> annotated = SequenceFiles.read(TestData.path("genbank/biopython_cor6_6.gb.gz"));
        for (List<SequenceRecord> original : List.of(masked, annotated)) {
            Path file = dir.resolve("out" + width + ".fa.gz");
            FastaWriter.write(file, original, width);
            List<SequenceRecord> back = SequenceFiles.read(file);
            assertEquals(original.size(), back.size());
            for (int i = 0; i < original.size(); i++) {
                assertEquals(original.get(i).id(), back.get(i).id());
                assertEquals(original.get(i).description(), back.get(i).description());
                assertEquals(original.get(i).sequence(), back.get(i).sequence());
            }
            String text = new String(new java.util.zip.GZIPInputStream(Files.newInputStream(file)).readAllBytes());
            int longest = text.lines().filter(l -> !l.startsWith(">")).mapToInt(String::length).max().orElseThrow();
            assertEquals(width, longest);
        }
    }

    @Test
    void refusesNamesThatFastaCannotHoldAndBadWidths() {
        SequenceRecord spaced = new SequenceRecord("a b", "", "ACGT", Topology.UNKNOWN, MoleculeType.UNKNOWN,
                List.of(), List.of(), "x.gb:1");
        assertThrows(IllegalArgumentException.class, () -> FastaWriter.write(new StringWriter(), List.of(spaced), 60));
        assertThrows(IllegalArgumentException.class, () -> FastaWriter.write(new StringWriter(), List.of(), 0));
    }
}
