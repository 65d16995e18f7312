package org.evo2wb.bio;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Writes records as FASTA: {@code >id description}, then the bases exactly as held (case kept) in lines of a fixed
 * width (60 as NCBI writes, or 80 as Ensembl/UCSC write).
 */
public final class FastaWriter {

    /** NCBI's line width. */
    public static final int NCBI_WIDTH = 60;
    /** Ensembl's / UCSC's line width. */
    public static final int WIDE = 80;

    private FastaWriter() {}

    /**
     * Writes to a file; gzip-compressed when the name ends in {@code .gz}. An existing file is replaced.
     *
     * @throws IllegalArgumentException for a width below 1 or a record whose id is empty or contains whitespace
     */
    public static void write(Path file, Iterable<SequenceRecord> records, int lineWidth) throws IOException {
        boolean gzip = file.getFileName().toString().toLowerCase().endsWith(".gz");
        try (OutputStream raw = Files.newOutputStream(file);
                OutputStream out = gzip ? new GZIPOutputStream(raw, 1 << 16) : raw;
                Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16)) {
            write(w, records, lineWidth);
        }
    }

    /** Writes to a writer (not closed). */
    public static void write(Writer out, Iterable<SequenceRecord> records, int lineWidth) throws IOException {
        if (lineWidth < 1) {
            throw new IllegalArgumentException("FASTA line width must be at least 1, was " + lineWidth);
        }
        for (SequenceRecord r : records) {
            if (r.id().isEmpty() || r.id().chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("record id '" + r.id() + "' (from " + r.source()
                        + ") cannot be written as a FASTA name: it is empty or contains whitespace");
            }
            out.write('>');
            out.write(r.id());
            String description = r.description().replaceAll("[\\r\\n]+", " ").strip();
            if (!description.isEmpty()) {
                out.write(' ');
                out.write(description);
            }
            out.write('\n');
            String s = r.sequence();
            for (int i = 0; i < s.length(); i += lineWidth) {
                out.write(s, i, Math.min(lineWidth, s.length() - i));
                out.write('\n');
            }
        }
        out.flush();
    }
}
