package org.evo2wb.bio.io;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.evo2wb.bio.SequenceFormatException;

/**
 * The release header that opens each division file of an NCBI GenBank release ({@code gbbct1.seq},
 * {@code gbvrl1.seq}, ...), before its first LOCUS line:
 *
 * <pre>
 * GBBCT1.SEQ          Genetic Sequence Data Bank
 *                          December 15 2024
 *
 *                 NCBI-GenBank Flat File Release 264.0
 *
 *                      Bacterial Sequences (Part 1)
 *
 *    51396 loci,    92682287 bases, from    51396 reported sequences
 * </pre>
 *
 * It is passed over; the loci and bases it announces are checked against what the file holds, so a division file
 * that lost whole records (a cut download, a bad concatenation) is refused rather than read short.
 */
final class ReleaseHeader {

    /** A release header is a few lines; a longer run of non-LOCUS lines is not one. */
    static final int MAX_LINES = 40;

    private static final Pattern FIRST = Pattern.compile("(?i)^GB[A-Z]{2,4}\\d*\\.SEQ\\s+Genetic Sequence Data Bank\\s*$");
    private static final Pattern COUNTS = Pattern.compile("^\\s*(\\d{1,12}) loci,\\s+(\\d{1,15}) bases,.*");

    private final long firstLine;
    private long loci = -1;
    private long bases = -1;
    private long countsLine;

    ReleaseHeader(long firstLine) {
        this.firstLine = firstLine;
    }

    /** True for the first line of a release division file, {@code GBBCT1.SEQ   Genetic Sequence Data Bank}. */
    static boolean isFirstLine(String line) {
        return FIRST.matcher(line).matches();
    }

    /** One more line of the header; refuses a header that never reaches a LOCUS line. */
    void line(ParseContext ctx, String text, long lineNo) throws SequenceFormatException {
        if (lineNo - firstLine >= MAX_LINES) {
            throw ctx.error(lineNo, "the NCBI release header that starts at line " + firstLine + " is followed by no "
                    + "LOCUS line within " + MAX_LINES + " lines");
        }
        Matcher m = COUNTS.matcher(text);
        if (m.matches()) {
            loci = Long.parseLong(m.group(1));
            bases = Long.parseLong(m.group(2));
            countsLine = lineNo;
        }
    }

    /** Refuses a file whose records or bases differ from what the header announced. */
    void checkCounts(ParseContext ctx, long lastLine) throws SequenceFormatException {
        if (loci < 0) {
            return;
        }
        if (ctx.records() != loci || ctx.bases() != bases) {
            throw new SequenceFormatException(ctx.file(), null, countsLine, String.format("the NCBI release header "
                    + "announces %,d loci and %,d bases, but the file (%,d lines) holds %,d records and %,d bases: "
                    + "it is incomplete or was altered", loci, bases, lastLine, ctx.records(), ctx.bases()));
        }
    }
}
