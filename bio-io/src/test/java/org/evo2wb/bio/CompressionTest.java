package org.evo2wb.bio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** Compression is told from the content: the same bytes give the same records whatever the wrapping and name. */
class CompressionTest {

    @TempDir
    Path dir;

    @Test
    void plainGzipMultiMemberBzip2AndXzGiveIdenticalRecords() throws Exception {
        byte[] plain;
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(
                TestData.path("genbank/biopython_NC_005816.gb.gz")))) {
            plain = in.readAllBytes();
        }
        List<SequenceRecord> reference = SequenceFiles.read(write("plain.dat", plain));

        ByteArrayOutputStream twoMembers = new ByteArrayOutputStream();
        twoMembers.write(compress(plain, 0, plain.length / 3, "gzip"));
        twoMembers.write(compress(plain, plain.length / 3, plain.length, "gzip"));

        // misleading names on purpose: detection must not look at them
        assertSame(reference, "a.txt", compress(plain, 0, plain.length, "gzip"), Compression.GZIP);
        assertSame(reference, "b.fa", twoMembers.toByteArray(), Compression.GZIP);
        assertSame(reference, "c.gz", compress(plain, 0, plain.length, "bzip2"), Compression.BZIP2);
        assertSame(reference, "d.bz2", compress(plain, 0, plain.length, "xz"), Compression.XZ);
        assertSame(reference, "e.xz", plain, Compression.NONE);
    }

    @Test
    void bgzfBlocksAreReadToTheEndAndMatchThePlainGzipCopy() throws Exception {
        ReadSummary bgzf = SequenceFiles.forEach(TestData.path("fasta/scerevisiae_chrI.bgzf.fa.gz"),
                ReadProgress.NONE, r -> { });
        assertEquals(Compression.BGZF, bgzf.compression());
        assertEquals(230208, bgzf.bases());
        // sha256 of the stored file, as listed in the reference manifest
        assertEquals("ef1f1182e9718a23311f76e9f73639b7821c439f6d74c0e9a76f05568f81f99c", bgzf.sha256());
    }

    @Test
    void windowsLineEndsAndAByteOrderMarkAreAccepted() throws Exception {
        byte[] text = "\uFEFF>x first\r\nACGT\r\nacgn\r\n>y\r\nTTTT".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        List<SequenceRecord> r = SequenceFiles.read(write("crlf.fa", text));
        assertEquals(2, r.size());
        assertEquals("ACGTacgn", r.get(0).sequence());
        assertEquals("first", r.get(0).description());
        assertEquals("TTTT", r.get(1).sequence());
    }

    private void assertSame(List<SequenceRecord> reference, String name, byte[] content, Compression expected)
            throws Exception {
        Path p = write(name, content);
        java.util.ArrayList<SequenceRecord> read = new java.util.ArrayList<>();
        ReadSummary s = SequenceFiles.forEach(p, ReadProgress.NONE, read::add);
        assertEquals(expected, s.compression(), name);
        assertEquals(reference.size(), read.size());
        for (int i = 0; i < read.size(); i++) {
            assertEquals(reference.get(i).sequence(), read.get(i).sequence());
            assertEquals(reference.get(i).features(), read.get(i).features());
            assertEquals(reference.get(i).id(), read.get(i).id());
        }
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private static byte[] compress(byte[] b, int from, int to, String how) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = switch (how) {
            case "gzip" -> new GZIPOutputStream(bytes);
            case "bzip2" -> new BZip2CompressorOutputStream(bytes);
            default -> new XZOutputStream(bytes, new LZMA2Options(1));
        }) {
            out.write(b, from, to - from);
        }
        return bytes.toByteArray();
    }
}
