package org.evo2wb.bio.genome;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * A FASTA index in the {@code samtools faidx} format ({@code .fai}): one line per sequence,
 * {@code name length offset linebases linewidth}, where offset is the (uncompressed) byte of the first base,
 * linebases the bases per full line and linewidth the bytes per full line (newline included). Base i (0-based) of a
 * sequence lies at byte {@code offset + (i / linebases) · linewidth + i % linebases}.
 */
public final class FastaIndex {

    /**
     * One sequence of the index.
     *
     * @param name the header's first word
     * @param length bases
     * @param offset byte of the first base in the uncompressed file
     * @param lineBases bases per full line
     * @param lineWidth bytes per full line, line end included
     */
    public record Entry(String name, long length, long offset, int lineBases, int lineWidth) {

        /** Byte of base {@code i} (0-based). */
        public long byteOf(long i) {
            return offset + (i / lineBases) * lineWidth + i % lineBases;
        }
    }

    private final Map<String, Entry> entries;

    private FastaIndex(Map<String, Entry> entries) {
        this.entries = entries;
    }

    public Map<String, Entry> entries() {
        return entries;
    }

    /** Parses {@code .fai} text; {@code source} names the file in messages. */
    public static FastaIndex parse(Path source, String text) throws IOException {
        Map<String, Entry> out = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new StringReader(text))) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t");
                if (f.length < 5) {
                    throw new IOException(source + ":" + n + ": " + f.length + " fields; a .fai line has 5 (name, "
                            + "length, offset, linebases, linewidth)");
                }
                try {
                    out.put(f[0], new Entry(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), Integer.parseInt(f[3]),
                            Integer.parseInt(f[4])));
                } catch (NumberFormatException e) {
                    throw new IOException(source + ":" + n + ": not a number in '" + line + "'");
                }
            }
        }
        if (out.isEmpty()) {
            throw new IOException(source + ": the index names no sequences");
        }
        return new FastaIndex(out);
    }

    /** Writes the {@code .fai} text. */
    public void write(Writer w) throws IOException {
        for (Entry e : entries.values()) {
            w.write(e.name() + "\t" + e.length() + "\t" + e.offset() + "\t" + e.lineBases() + "\t" + e.lineWidth()
                    + "\n");
        }
    }

    /**
     * Builds the index from the uncompressed FASTA bytes.
     *
     * @param source names the file in messages
     * @param progress receives the uncompressed bytes read so far
     * @param cancelled polled every few megabytes
     * @throws IOException when lines of one sequence differ in length (other than its last line), which random
     *                     access by line arithmetic cannot handle
     */
    public static FastaIndex build(Path source, InputStream in, LongConsumer progress, BooleanSupplier cancelled)
            throws IOException {
        Map<String, Entry> out = new LinkedHashMap<>();
        byte[] buf = new byte[1 << 16];
        long pos = 0;
        long lineNo = 1;
        StringBuilder header = null;       // non-null while inside a header line
        String name = null;
        long length = 0;
        long offset = 0;
        int lineBases = -1;
        int lineWidth = -1;
        int curBases = 0;
        int curWidth = 0;
        boolean sawShortLine = false;
        long nextReport = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            for (int i = 0; i < n; i++, pos++) {
                byte b = buf[i];
                if (header != null) {
                    if (b == '\n') {
                        String h = header.toString().trim();
                        int sp = indexOfSpace(h);
                        name = sp < 0 ? h : h.substring(0, sp);
                        if (name.isEmpty()) {
                            throw new IOException(source + ":" + lineNo + ": a '>' header without a name");
                        }
                        if (out.containsKey(name)) {
                            throw new IOException(source + ":" + lineNo + ": sequence name '" + name + "' appears "
                                    + "twice; random access needs unique names");
                        }
                        header = null;
                        length = 0;
                        offset = pos + 1;
                        lineBases = -1;
                        lineWidth = -1;
                        curBases = 0;
                        curWidth = 0;
                        sawShortLine = false;
                        lineNo++;
                    } else if (b != '\r') {
                        header.append((char) (b & 0xFF));
                    }
                    continue;
                }
                if (b == '>' && curWidth == 0) {
                    if (name != null) {
                        out.put(name, entry(name, length, offset, lineBases, lineWidth, curBases));
                    }
                    header = new StringBuilder();
                    continue;
                }
                if (b == '\n') {
                    curWidth++;
                    if (name == null) {
                        if (curWidth > 1) {
                            throw new IOException(source + ":" + lineNo + ": text before the first '>' header; "
                                    + "not a FASTA file");
                        }
                    } else if (curBases > 0) {
                        if (lineBases < 0) {
                            lineBases = curBases;
                            lineWidth = curWidth;
                        } else if (sawShortLine || curBases > lineBases || curWidth != lineWidth
                                && curBases == lineBases) {
                            throw new IOException(source + ":" + lineNo + ": sequence '" + name + "' has lines of "
                                    + "different lengths; random access needs equal lines (re-wrap the FASTA, e.g. "
                                    + "with 'samtools faidx' or 'seqkit seq -w 60')");
                        } else if (curBases < lineBases) {
                            sawShortLine = true;
                        }
                    } else if (curWidth > 0) {
                        sawShortLine = length > 0;      // an empty line ends the sequence's lines
                    }
                    curBases = 0;
                    curWidth = 0;
                    lineNo++;
                } else if (b == '\r') {
                    curWidth++;
                } else {
                    if (name == null) {
                        throw new IOException(source + ":" + lineNo + ": text before the first '>' header; not a "
                                + "FASTA file");
                    }
                    if (sawShortLine) {
                        throw new IOException(source + ":" + lineNo + ": sequence '" + name + "' has lines of "
                                + "different lengths; random access needs equal lines (re-wrap the FASTA, e.g. with "
                                + "'seqkit seq -w 60')");
                    }
                    curBases++;
                    curWidth++;
                    length++;
                }
            }
            if (pos >= nextReport) {
                progress.accept(pos);
                nextReport = pos + (4 << 20);
                if (cancelled.getAsBoolean()) {
                    throw new CancellationException("indexing cancelled");
                }
            }
        }
        if (header != null) {
            throw new IOException(source + ":" + lineNo + ": the file ends inside a header line");
        }
        if (name != null) {
            out.put(name, entry(name, length, offset, lineBases, lineWidth, curBases));
        }
        if (out.isEmpty()) {
            throw new IOException(source + ": no '>' header; not a FASTA file");
        }
        progress.accept(pos);
        return new FastaIndex(out);
    }

    private static Entry entry(String name, long length, long offset, int lineBases, int lineWidth, int trailing) {
        if (lineBases < 0) {              // one line without a line end, or empty
            lineBases = Math.max(1, trailing);
            lineWidth = lineBases + 1;
        }
        return new Entry(name, length, offset, lineBases, lineWidth);
    }

    private static int indexOfSpace(String h) {
        for (int i = 0; i < h.length(); i++) {
            if (Character.isWhitespace(h.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** The names in file order. */
    public List<String> names() {
        return new ArrayList<>(entries.keySet());
    }
}
