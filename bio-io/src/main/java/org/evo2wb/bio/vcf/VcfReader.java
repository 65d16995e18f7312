package org.evo2wb.bio.vcf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads a VCF 4.x file, plain or gzip/bgzip compressed, one record at a time: the header lines are read on open, the
 * records streamed by {@link #next()}. Each record keeps its fields as read, so it can be written back unchanged.
 * Problems name the file and line.
 */
public final class VcfReader implements AutoCloseable {

    private final Path file;
    private final BufferedReader in;
    private final List<String> header = new ArrayList<>();
    private long line;
    private long index;
    private String pending;

    private VcfReader(Path file, BufferedReader in) {
        this.file = file;
        this.in = in;
    }

    public static VcfReader open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such VCF file");
        }
        InputStream raw = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int a = raw.read();
        int b = raw.read();
        raw.reset();
        InputStream content = a == 0x1f && b == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
        VcfReader r = new VcfReader(file, new BufferedReader(new InputStreamReader(content, StandardCharsets.UTF_8),
                1 << 16));
        try {
            r.readHeader();
        } catch (IOException | RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    private void readHeader() throws IOException {
        String s;
        while ((s = readLine()) != null) {
            if (s.startsWith("##")) {
                header.add(s);
            } else if (s.startsWith("#")) {
                if (!s.startsWith("#CHROM")) {
                    throw new IOException(file + ":" + line + ": expected the '#CHROM POS ID REF ALT ...' column "
                            + "line, found '" + abbreviate(s) + "'");
                }
                header.add(s);
                if (header.isEmpty() || !header.get(0).startsWith("##fileformat=VCF")) {
                    throw new IOException(file + ":1: not a VCF file: the first line must be ##fileformat=VCFv4.x");
                }
                return;
            } else {
                throw new IOException(file + ":" + line + ": a data line before the '#CHROM' column line; is this "
                        + "a VCF file?");
            }
        }
        throw new IOException(file + ": " + (line == 0 ? "empty file" : "no '#CHROM' column line") + "; not a VCF file");
    }

    private String readLine() throws IOException {
        String s;
        try {
            s = in.readLine();
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new IOException(file + ": damaged or truncated gzip data after line " + line + ": "
                    + e.getMessage(), e);
        }
        if (s != null) {
            line++;
        }
        return s;
    }

    /** The header lines ({@code ##...} then {@code #CHROM...}), as read. */
    public List<String> header() {
        return Collections.unmodifiableList(header);
    }

    public Path file() {
        return file;
    }

    /** The next record, or null at the end. */
    public VcfRecord next() throws IOException {
        String s;
        do {
            s = readLine();
            if (s == null) {
                return null;
            }
        } while (s.isEmpty());
        if (s.startsWith("#")) {
            throw new IOException(file + ":" + line + ": a header line among the records");
        }
        String[] f = s.split("\t", -1);
        if (f.length < 8) {
            throw new IOException(file + ":" + line + ": " + f.length + " tab-separated fields; a VCF record has at "
                    + "least 8 (CHROM POS ID REF ALT QUAL FILTER INFO)");
        }
        long pos;
        try {
            pos = Long.parseLong(f[1]);
        } catch (NumberFormatException e) {
            throw new IOException(file + ":" + line + ": POS '" + f[1] + "' is not a number");
        }
        if (pos < 0) {
            throw new IOException(file + ":" + line + ": POS " + pos + " is negative");
        }
        if (f[3].isEmpty() || f[3].equals(".")) {
            throw new IOException(file + ":" + line + ": REF is empty");
        }
        List<String> alts = f[4].equals(".") ? List.of() : Arrays.asList(f[4].split(","));
        return new VcfRecord(line, index++, f, pos, alts);
    }

    /** Counts the records of a VCF (one quick pass), for progress totals. */
    public static long count(Path file) throws IOException {
        try (VcfReader r = open(file)) {
            long n = 0;
            while (r.next() != null) {
                n++;
            }
            return n;
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
