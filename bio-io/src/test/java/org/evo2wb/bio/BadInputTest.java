package org.evo2wb.bio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.evo2wb.bio.TestData.assertMentions;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** Every bad input gives a {@link SequenceFormatException} that names the file and, where known, record and line. */
class BadInputTest {

    @TempDir
    Path dir;

    private SequenceFormatException failure(Path file) {
        return assertThrows(SequenceFormatException.class, () -> SequenceFiles.read(file));
    }

    private Path write(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    private Path write(String name, String text) throws IOException {
        return write(name, text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        }
        return bytes.toByteArray();
    }

    private static byte[] gunzip(Path file) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return in.readAllBytes();
        }
    }

    private static byte[] randomFasta(int bases, long seed) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder(">chr1 synthetic\n");
        for (int i = 0; i < bases; i++) {
            sb.append("ACGT".charAt(r.nextInt(4)));
            if (i % 60 == 59) {
                sb.append('\n');
            }
        }
        return sb.append('\n').toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void emptyFile() throws Exception {
        SequenceFormatException e = failure(write("empty.fa", new byte[0]));
        assertMentions(e.getMessage(), "empty.fa", "empty");
        assertEquals(dir.resolve("empty.fa"), e.file());
    }

    @Test
    void emptyAfterDecompressionAndBlankOnly() throws Exception {
        assertMentions(failure(write("empty.fa.gz", gzip(new byte[0]))).getMessage(), "empty.fa.gz",
                "empty after gzip decompression");
        assertMentions(failure(write("blank.fa", "\n  \n\n")).getMessage(), "blank.fa", "only blank lines");
    }

    @Test
    void binaryFile() throws Exception {
        byte[] junk = new byte[4096];
        new Random(7).nextBytes(junk);
        junk[0] = (byte) 0x89; // PNG-like start, no compression magic
        SequenceFormatException e = failure(write("picture.fa", junk));
        assertMentions(e.getMessage(), "picture.fa", "binary content");
    }

    @Test
    void truncatedGzipNamesTheRecordAndLineWhereItStopped() throws Exception {
        byte[] whole = Files.readAllBytes(TestData.path("fasta/biopython_human_g1k_v37_chr1_truncated.fasta.gz"));
        Path cut = write("chr1_cut.fa.gz", Arrays.copyOf(whole, whole.length / 2));
        SequenceFormatException e = failure(cut);
        assertMentions(e.getMessage(), "chr1_cut.fa.gz", "gzip data ends early", "record 1");
        assertTrue(e.line() > 1, e.getMessage());
    }

    @Test
    void truncatedBzip2AndXz() throws Exception {
        byte[] fasta = randomFasta(600_000, 3); // several bzip2 blocks and LZMA2 chunks, so the cut is not in the first
        ByteArrayOutputStream bz = new ByteArrayOutputStream();
        try (OutputStream out = new BZip2CompressorOutputStream(bz, 1)) { // 100 kB blocks: the cut is in a later block
            out.write(fasta);
        }
        byte[] bzBytes = bz.toByteArray();
        assertMentions(failure(write("cut.fa.bz2", Arrays.copyOf(bzBytes, bzBytes.length - 500))).getMessage(),
                "cut.fa.bz2", "bzip2", "record chr1");

        ByteArrayOutputStream xz = new ByteArrayOutputStream();
        try (OutputStream out = new XZOutputStream(xz, new LZMA2Options(1))) {
            out.write(fasta);
        }
        byte[] xzBytes = xz.toByteArray();
        assertMentions(failure(write("cut.fa.xz", Arrays.copyOf(xzBytes, xzBytes.length - 500))).getMessage(),
                "cut.fa.xz", "xz data", "record chr1");
    }

    @Test
    void fastaWithoutHeaderLine() throws Exception {
        SequenceFormatException e = failure(write("noheader.fa", "\nACGTACGT\nACGT\n"));
        assertMentions(e.getMessage(), "noheader.fa", "line 2", "before the first '>' header line");
        assertEquals(2, e.line());
    }

    @Test
    void headerWithoutNameOrWithoutSequence() throws Exception {
        assertMentions(failure(write("noname.fa", ">\nACGT\n")).getMessage(), "noname.fa", "line 1",
                "without a name");
        assertMentions(failure(write("nobases.fa", ">a\nACGT\n>b only a header\n>c\nAC\n")).getMessage(),
                "nobases.fa", "line 3", "record b", "no sequence");
    }

    @Test
    void proteinAndAlignedFastaAreRefusedWithTheReason() throws Exception {
        SequenceFormatException protein = failure(write("protein.fa", ">sp|P69905|HBA\nMVLSPADKTNVKAAWGKVGAHAGEYG\n"));
        // M and V are IUPAC codes (A/C, A/C/G); L is the first letter that cannot be a base
        assertMentions(protein.getMessage(), "protein.fa", "line 2", "record sp|P69905|HBA", "character 'L'",
                "column 3", "protein");
        SequenceFormatException gaps = failure(write("aln.fa", ">a\nACGT--ACGT\n"));
        assertMentions(gaps.getMessage(), "aln.fa", "line 2", "record a", "column 5", "gap character '-'");
    }

    @Test
    void genbankWithoutOrigin() throws Exception {
        String text = Files.readString(TestData.path("genbank/biopython_no_origin_no_end.gb")) + "//\n";
        SequenceFormatException e = failure(write("no_origin.gb", text));
        assertMentions(e.getMessage(), "no_origin.gb", "line 15", "record AB070938.1", "no ORIGIN section");
    }

    @Test
    void genbankCutInsideTheSequence() throws Exception {
        String text = new String(gunzip(TestData.path("genbank/biopython_empty_feature_qualifier.gb.gz")),
                StandardCharsets.US_ASCII);
        String cut = text.substring(0, text.indexOf("     3001 "));
        SequenceFormatException e = failure(write("cut.gb", cut));
        assertMentions(e.getMessage(), "cut.gb", "record AB070938.1", "3000 bases of the 6497 declared by LOCUS",
                "truncated");
    }

    @Test
    void locationOutsideTheSequence() throws Exception {
        String text = new String(gunzip(TestData.path("genbank/biopython_empty_feature_qualifier.gb.gz")),
                StandardCharsets.US_ASCII).replace("source          1..6497", "source          1..7000");
        SequenceFormatException e = failure(write("outside.gb", text));
        assertMentions(e.getMessage(), "outside.gb", "line 11", "record AB070938.1", "feature source",
                "1..7000", "outside the sequence (1..6497)");
        assertEquals(11, e.line());
    }

    @Test
    void unclosedQuoteInAQualifier() throws Exception {
        String text = new String(gunzip(TestData.path("genbank/biopython_empty_feature_qualifier.gb.gz")),
                StandardCharsets.US_ASCII).replace("/organism=\"Streptomyces avermitilis\"",
                "/organism=\"Streptomyces avermitilis");
        SequenceFormatException e = failure(write("quote.gb", text));
        assertMentions(e.getMessage(), "quote.gb", "line 12", "record AB070938.1", "/organism", "never closes");
    }

    @Test
    void secondRecordStartingBeforeTheFirstEnds() throws Exception {
        String one = new String(gunzip(TestData.path("genbank/biopython_empty_feature_qualifier.gb.gz")),
                StandardCharsets.US_ASCII);
        String broken = one.substring(0, one.indexOf("//")) + one;
        SequenceFormatException e = failure(write("two.gb", broken));
        assertMentions(e.getMessage(), "two.gb", "record AB070938.1", "new LOCUS line", "started at line 1");
    }

    @Test
    void unknownTextAndArchives() throws Exception {
        assertMentions(failure(write("notes.txt", "Hello, these are my notes.\n")).getMessage(), "notes.txt",
                "line 1", "not a FASTA, GenBank or EMBL file", "Hello, these are my notes.");

        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(zip)) {
            out.putNextEntry(new ZipEntry("x.fa"));
            out.write(">x\nACGT\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertMentions(failure(write("x.zip", zip.toByteArray())).getMessage(), "x.zip", "ZIP archive");
    }

    @Test
    void missingFileIsAnIoErrorNotAFormatError() {
        assertThrows(IOException.class, () -> SequenceFiles.read(dir.resolve("absent.fa")));
    }
}
