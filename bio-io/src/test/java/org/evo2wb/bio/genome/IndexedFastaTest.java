package org.evo2wb.bio.genome;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Random access to plain, gzip and bgzip reference FASTA files through .fai and .gzi indexes. */
class IndexedFastaTest {

    @TempDir
    Path tmp;

    static final String[] NAMES = {"chr1", "chr2", "chrM"};

    static List<String> genome() {
        Random r = new Random(5);
        List<String> out = new ArrayList<>();
        for (int len : new int[] {1_003, 257, 60}) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < len; i++) {
                b.append("ACGTacgtN".charAt(r.nextInt(9)));
            }
            out.add(b.toString());
        }
        return out;
    }

    static byte[] fastaBytes(List<String> seqs, int width, String eol) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < seqs.size(); i++) {
            b.append('>').append(NAMES[i]).append(" test sequence ").append(i).append(eol);
            String s = seqs.get(i);
            for (int p = 0; p < s.length(); p += width) {
                b.append(s, p, Math.min(s.length(), p + width)).append(eol);
            }
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** BGZF with small blocks (a flush every {@code blockBytes}) so windows straddle block boundaries. */
    static void writeBgzf(Path file, byte[] content, int blockBytes) throws IOException {
        try (BgzfOutputStream out = new BgzfOutputStream(Files.newOutputStream(file))) {
            for (int p = 0; p < content.length; p += blockBytes) {
                out.write(content, p, Math.min(blockBytes, content.length - p));
                out.flush();
            }
        }
    }

    void checkEveryWindow(IndexedFasta f, List<String> seqs) throws IOException {
        assertEquals(List.of(NAMES), new ArrayList<>(f.sequences().keySet()));
        Random r = new Random(9);
        for (int i = 0; i < seqs.size(); i++) {
            String s = seqs.get(i);
            assertEquals(s.length(), f.length(NAMES[i]).orElseThrow());
            assertEquals(s, f.fetch(NAMES[i], 0, s.length()));
            for (int k = 0; k < 200; k++) {
                int a = r.nextInt(s.length());
                int b = a + r.nextInt(s.length() - a + 1);
                assertEquals(s.substring(a, b), f.fetch(NAMES[i], a, b), NAMES[i] + " " + a + "-" + b);
            }
        }
    }

    @Test
    void plainFastaIsIndexedBesideItAndReadByRange() throws IOException {
        List<String> seqs = genome();
        Path fa = tmp.resolve("ref.fa");
        Files.write(fa, fastaBytes(seqs, 60, "\n"));
        try (IndexedFasta f = IndexedFasta.open(fa, tmp.resolve("cache"), IndexedFasta.Progress.NONE, () -> false)) {
            checkEveryWindow(f, seqs);
        }
        Path fai = tmp.resolve("ref.fa.fai");
        assertTrue(Files.isRegularFile(fai));
        // the samtools faidx layout: header ">chr1 test sequence 0\n" is 22 bytes
        assertEquals("chr1\t1003\t22\t60\t61", Files.readAllLines(fai).get(0));
        assertFalse(Files.exists(tmp.resolve("cache")));
        // CRLF line ends
        Path crlf = tmp.resolve("crlf.fa");
        Files.write(crlf, fastaBytes(seqs, 50, "\r\n"));
        try (IndexedFasta f = IndexedFasta.open(crlf, tmp.resolve("cache"), IndexedFasta.Progress.NONE, () -> false)) {
            checkEveryWindow(f, seqs);
        }
    }

    @Test
    void bgzipFastaUsesGziBlocksAndAReadOnlyFolderSendsIndexesToTheCache() throws IOException {
        List<String> seqs = genome();
        Path folder = tmp.resolve("ro");
        Files.createDirectories(folder);
        Path bgz = folder.resolve("ref.fa.gz");
        byte[] plain = fastaBytes(seqs, 70, "\n");
        writeBgzf(bgz, plain, 97);
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(bgz))) {
            assertArrayEquals(plain, in.readAllBytes(), "BGZF is also ordinary multi-member gzip");
        }
        Files.setPosixFilePermissions(bgz, PosixFilePermissions.fromString("r--r--r--"));
        Path cache = tmp.resolve("cache");
        List<String> reports = new ArrayList<>();
        try {
            try (IndexedFasta f = IndexedFasta.open(bgz, cache, (what, d, t) -> reports.add(what), () -> false)) {
                checkEveryWindow(f, seqs);
            }
            try (var list = Files.list(folder)) {
                assertEquals(1, list.count(), "nothing written beside a read-only reference");
            }
            assertTrue(Files.isRegularFile(IndexedFasta.cached(bgz, ".fai", cache)));
            Path gzi = IndexedFasta.cached(bgz, ".gzi", cache);
            // one block per 97 bytes, the first implicit: (n - 1) entries of 16 bytes after the count
            long blocks = (plain.length + 96) / 97;
            assertEquals(8 + 16 * (blocks - 1), Files.size(gzi));
            assertTrue(reports.stream().anyMatch(s -> s.startsWith("Indexing")));
            reports.clear();
            try (IndexedFasta f = IndexedFasta.open(bgz, cache, (what, d, t) -> reports.add(what), () -> false)) {
                checkEveryWindow(f, seqs);
            }
            assertEquals(List.of(), reports, "the cached indexes are reused");
        } finally {
            Files.setPosixFilePermissions(bgz, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    @Test
    void plainGzipIsDecompressedOnceIntoTheCache() throws IOException {
        List<String> seqs = genome();
        Path gz = tmp.resolve("ref.fa.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(fastaBytes(seqs, 80, "\n"));
        }
        Path cache = tmp.resolve("cache");
        try (IndexedFasta f = IndexedFasta.open(gz, cache, IndexedFasta.Progress.NONE, () -> false)) {
            checkEveryWindow(f, seqs);
            assertTrue(f.file().startsWith(cache));
        }
    }

    @Test
    void unevenLinesAndDuplicateNamesAreReportedWithTheLine() throws IOException {
        Path fa = tmp.resolve("uneven.fa");
        Files.writeString(fa, ">a\nACGT\nAC\nACGT\n");
        IOException e = assertThrows(IOException.class,
                () -> IndexedFasta.open(fa, tmp.resolve("c"), IndexedFasta.Progress.NONE, () -> false));
        assertTrue(e.getMessage().contains("uneven.fa:4") && e.getMessage().contains("different lengths"),
                e.getMessage());
        Path dup = tmp.resolve("dup.fa");
        Files.writeString(dup, ">a\nACGT\n>a\nAC\n");
        e = assertThrows(IOException.class,
                () -> IndexedFasta.open(dup, tmp.resolve("c"), IndexedFasta.Progress.NONE, () -> false));
        assertTrue(e.getMessage().contains("dup.fa:3") && e.getMessage().contains("twice"), e.getMessage());
    }

    @Test
    void contigNamesMatchWithAndWithoutChr() {
        Set<String> ucsc = Set.of("chr1", "chrM", "chrX");
        Set<String> ensembl = Set.of("1", "MT", "X");
        assertEquals("chr1", ContigNames.match("1", ucsc).orElseThrow());
        assertEquals("chrM", ContigNames.match("MT", ucsc).orElseThrow());
        assertEquals("X", ContigNames.match("chrX", ensembl).orElseThrow());
        assertEquals("MT", ContigNames.match("chrM", ensembl).orElseThrow());
        assertTrue(ContigNames.match("chr7", ucsc).isEmpty());
    }

    @Test
    void bgzfWriterEndsWithTheEmptyEofBlock() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (BgzfOutputStream out = new BgzfOutputStream(b)) {
            out.write("hello".getBytes(StandardCharsets.US_ASCII));
        }
        byte[] all = b.toByteArray();
        byte[] tail = java.util.Arrays.copyOfRange(all, all.length - 28, all.length);
        assertArrayEquals(Bgzf.EOF_BLOCK, tail);
        assertTrue(Bgzf.isBgzf(all));
    }
}
