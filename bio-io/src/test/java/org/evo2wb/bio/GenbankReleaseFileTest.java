package org.evo2wb.bio;

import static org.evo2wb.bio.TestData.assertMentions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NCBI GenBank release division files ({@code gbbct1.seq}): a release header precedes the first LOCUS. The fixture
 * holds three real BCT records (NC_005816, AB070938, LT174596) behind a header in NCBI's layout.
 */
class GenbankReleaseFileTest {

    private static final String FILE = "genbank/gbbct1.seq";

    @TempDir
    Path tmp;

    private static String text() throws IOException {
        return Files.readString(TestData.path(FILE), StandardCharsets.UTF_8);
    }

    @Test
    void theReleaseHeaderIsPassedOverAndEveryRecordRead() throws Exception {
        List<SequenceRecord> r = SequenceFiles.read(TestData.path(FILE));
        assertEquals(List.of("NC_005816.1", "AB070938.1", "LT174596.1"), r.stream().map(SequenceRecord::id).toList());
        assertEquals(List.of(9609L, 6497L, 12064L), r.stream().map(x -> (long) x.length()).toList());
        assertEquals("gbbct1.seq:11", r.get(0).source());
        // The same records as read from their own files.
        assertEquals(SequenceFiles.read(TestData.path("genbank/biopython_NC_005816.gb.gz")).get(0).sequence(),
                r.get(0).sequence());
        assertEquals(SequenceFiles.read(TestData.path("genbank/biopython_empty_feature_qualifier.gb.gz")).get(0)
                .sequence(), r.get(1).sequence());
        assertEquals(SequenceFiles.read(TestData.path("genbank/kaptive_Klebsiella_O_locus_primary_reference.gbk"))
                .get(0).sequence(), r.get(2).sequence());
    }

    @Test
    void aCompressedDivisionFileReadsTheSame() throws Exception {
        Path gz = tmp.resolve("gbbct1.seq.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write(Files.readAllBytes(TestData.path(FILE)));
        }
        ReadSummary s = SequenceFiles.forEach(gz, ReadProgress.NONE, rec -> { });
        assertEquals(SequenceFormat.GENBANK, s.format());
        assertEquals(3, s.records());
        assertEquals(28170, s.bases());
    }

    @Test
    void aFileShorterThanItsHeaderAnnouncesIsRefused() throws Exception {
        String t = text();
        Path cut = tmp.resolve("gbbct2.seq");
        Files.writeString(cut, t.substring(0, t.indexOf("LOCUS       LT174596")), StandardCharsets.UTF_8);
        SequenceFormatException e = assertThrows(SequenceFormatException.class, () -> SequenceFiles.read(cut));
        assertMentions(e.getMessage(), "gbbct2.seq", "line 8", "3 loci", "28,170 bases", "2 records",
                "16,106 bases");
    }

    @Test
    void aReleaseHeaderWithoutRecordsIsRefusedNamingItsLine() throws Exception {
        String t = text();
        Path noRecords = tmp.resolve("gbvrl1.seq");
        Files.writeString(noRecords, t.substring(0, t.indexOf("LOCUS")) + "nothing here\n".repeat(40),
                StandardCharsets.UTF_8);
        SequenceFormatException e = assertThrows(SequenceFormatException.class,
                () -> SequenceFiles.read(noRecords));
        assertMentions(e.getMessage(), "gbvrl1.seq", "line 41", "release header", "line 1", "no LOCUS line");
    }

    @Test
    void aHeaderLikeLineOutsideADivisionFilesStartIsStillAnError() throws Exception {
        Path f = tmp.resolve("notes.gb");
        Files.writeString(f, "Some notes\n" + text(), StandardCharsets.UTF_8);
        SequenceFormatException e = assertThrows(SequenceFormatException.class, () -> SequenceFiles.read(f));
        assertMentions(e.getMessage(), "notes.gb", "line 1");
    }
}
