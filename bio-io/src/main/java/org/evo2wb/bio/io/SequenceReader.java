package org.evo2wb.bio.io;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import org.evo2wb.bio.Compression;
import org.evo2wb.bio.ReadProgress;
import org.evo2wb.bio.ReadSummary;
import org.evo2wb.bio.SequenceFormat;
import org.evo2wb.bio.SequenceFormatException;
import org.evo2wb.bio.SequenceRecord;

/**
 * Reads one file: undoes compression, checks that the content is text, tells the format from the first non-blank
 * line, and runs the matching streaming parser, handing each record to a sink as soon as it is complete.
 */
public final class SequenceReader {

    private static final int SNIFF_BYTES = 8192;
    private static final int BUFFER = 1 << 16;

    private SequenceReader() {}

    public static ReadSummary read(Path file, ReadProgress progress, Consumer<SequenceRecord> sink)
            throws IOException, SequenceFormatException {
        try (Decompression.Opened opened = Decompression.open(file)) {
            ParseContext ctx = new ParseContext(file, opened.raw(), opened.fileBytes(), progress, sink);
            byte[] head = readHead(ctx, opened.content(), opened.compression());
            SequenceFormat format = detect(file, head, opened.compression());
            // SequenceInputStream closes a stream it has exhausted; the file must stay open so that its hash can be
            // completed, so the content is passed in a wrapper that ignores close()
            InputStream rest = new FilterInputStream(opened.content()) {
                @Override
                public void close() {}
            };
            InputStream content = new SequenceInputStream(new ByteArrayInputStream(head), rest);
            LineReader lines = new LineReader(content, BUFFER, ctx::onRefill);
            ctx.attach(lines);
            try {
                switch (format) {
                    case FASTA -> new FastaParser(ctx, lines).parse();
                    case GENBANK -> new GenbankParser(ctx, lines).parse();
                    case EMBL -> new EmblParser(ctx, lines).parse();
                }
            } catch (CorruptDataException e) {
                throw ctx.error(ctx.line(), e.getMessage() + " (after line " + ctx.line() + ")", e.getCause());
            }
            if (ctx.records() == 0) {
                throw new SequenceFormatException(file, null, ctx.line(), "the file holds no " + format.name()
                        + " records");
            }
            String sha256 = opened.raw().finishSha256();
            ctx.reportDone();
            return new ReadSummary(file, format, opened.compression(), ctx.records(), ctx.bases(),
                    opened.fileBytes(), sha256, ctx.warnings());
        }
    }

    private static byte[] readHead(ParseContext ctx, InputStream in, Compression compression)
            throws IOException, SequenceFormatException {
        byte[] head = new byte[SNIFF_BYTES];
        int got = 0;
        try {
            while (got < head.length) {
                int n = in.read(head, got, head.length - got);
                if (n < 0) {
                    break;
                }
                got += n;
            }
        } catch (CorruptDataException e) {
            throw ctx.error(0, e.getMessage(), e.getCause());
        }
        int skip = got >= 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB && (head[2] & 0xFF) == 0xBF
                ? 3 : 0; // UTF-8 byte order mark
        return Arrays.copyOfRange(head, skip, got);
    }

    static SequenceFormat detect(Path file, byte[] head, Compression compression) throws SequenceFormatException {
        String after = compression == Compression.NONE ? "" : " after " + compression.name().toLowerCase()
                + " decompression";
        if (head.length == 0) {
            throw new SequenceFormatException(file, null, 0, "the file is empty" + after);
        }
        int control = 0;
        for (byte b : head) {
            int c = b & 0xFF;
            if (c == 0) {
                control += head.length; // NUL never occurs in a text sequence file
            } else if (c < 32 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x0b) {
                control++;
            }
        }
        if (control * 100 > head.length) {
            throw new SequenceFormatException(file, null, 0, "binary content" + after
                    + ": this is not a FASTA, GenBank or EMBL text file (nor gzip, bzip2, xz or BGZF compressed)");
        }
        int i = 0;
        long line = 1;
        while (i < head.length && Character.isWhitespace(head[i])) {
            if (head[i] == '\n') {
                line++;
            }
            i++;
        }
        if (i == head.length) {
            throw new SequenceFormatException(file, null, 0, "the file holds only blank lines" + after);
        }
        int end = i;
        while (end < head.length && head[end] != '\n' && head[end] != '\r') {
            end++;
        }
        String first = new String(head, i, end - i, StandardCharsets.UTF_8);
        if (first.startsWith(">") || first.startsWith(";")) {
            return SequenceFormat.FASTA;
        }
        if (first.startsWith("LOCUS") || ReleaseHeader.isFirstLine(first)) {
            return SequenceFormat.GENBANK;
        }
        if (first.startsWith("ID ")) {
            return SequenceFormat.EMBL;
        }
        if (!first.isEmpty() && first.chars().allMatch(c -> Character.isWhitespace(c) || Character.isDigit(c)
                || c < 128 && org.evo2wb.bio.Iupac.isNucleotide(c))) {
            return SequenceFormat.FASTA; // bare sequence: the FASTA reader reports the missing header
        }
        String shown = first.length() > 60 ? first.substring(0, 60) + "..." : first;
        throw new SequenceFormatException(file, null, line, "not a FASTA, GenBank or EMBL file" + after
                + ": the first line should start with '>', 'LOCUS' or 'ID', but is '" + shown + "'");
    }
}
