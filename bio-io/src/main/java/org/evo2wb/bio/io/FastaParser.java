package org.evo2wb.bio.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.evo2wb.bio.MoleculeType;
import org.evo2wb.bio.SequenceFormat;
import org.evo2wb.bio.SequenceFormatException;
import org.evo2wb.bio.SequenceRecord;
import org.evo2wb.bio.Topology;

/**
 * Streaming FASTA / multi-FASTA reader. A {@code >} line starts a record (id = first word, description = the rest);
 * {@code ;} lines are legacy comments, kept in the record's {@code comment} annotation; blank lines are ignored.
 * Sequence lines may be of any length (a whole chromosome on one line streams through a fixed buffer); whitespace
 * and digits are dropped; every other character must be an IUPAC nucleotide code, case kept.
 */
final class FastaParser {

    private final ParseContext ctx;
    private final LineReader in;

    private String id;
    private String description;
    private long headerLine;
    private final SequenceBuffer bases = new SequenceBuffer();
    private List<String> comments = new ArrayList<>();
    /** 0-based column of the current fragment's first byte within its line. */
    private long column;

    FastaParser(ParseContext ctx, LineReader in) {
        this.ctx = ctx;
        this.in = in;
    }

    void parse() throws IOException, SequenceFormatException {
        while (in.nextFragment()) {
            byte[] b = in.fragmentBytes();
            int from = in.fragmentStart();
            int to = in.fragmentEnd();
            if (in.fragmentStartsLine()) {
                column = 0;
                if (from < to && b[from] == '>') {
                    finishRecord();
                    startRecord(in.restOfLine().substring(1), in.line());
                    continue;
                }
                if (from < to && b[from] == ';') {
                    comments.add(in.restOfLine().substring(1).strip());
                    continue;
                }
                if (id == null && !isBlank(b, from, to)) {
                    throw ctx.error(in.line(), "sequence data before the first '>' header line: a FASTA file must"
                            + " start with a header line such as '>name description'");
                }
            }
            int bad = SequenceChars.append(b, from, to, bases);
            if (bad >= 0) {
                throw ctx.error(in.line(), SequenceChars.explain(b[bad] & 0xFF) + " (column "
                        + (column + bad - from + 1) + ")");
            }
            column += to - from;
        }
        finishRecord();
    }

    private void startRecord(String header, long line) throws SequenceFormatException {
        String h = header.strip();
        int space = 0;
        while (space < h.length() && !Character.isWhitespace(h.charAt(space))) {
            space++;
        }
        id = h.substring(0, space);
        description = h.substring(space).strip();
        headerLine = line;
        ctx.currentRecord(id.isEmpty() ? "(unnamed)" : id);
        if (id.isEmpty()) {
            throw ctx.error(line, "header line without a name: '>' must be followed by an identifier");
        }
    }

    private void finishRecord() throws SequenceFormatException {
        if (id == null) {
            return;
        }
        List<String> warnings = new ArrayList<>(1);
        if (bases.length() == 0) {
            throw ctx.error(headerLine, "the record has a header line but no sequence");
        }
        String source = ctx.source(headerLine);
        String dup = ctx.duplicateIdWarning(id, headerLine);
        if (dup != null) {
            warnings.add(dup);
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(SequenceRecord.KEY_FORMAT, SequenceFormat.FASTA.name());
        if (!comments.isEmpty()) {
            annotations.put(SequenceRecord.KEY_COMMENT, String.join("\n", comments));
        }
        ctx.emit(new SequenceRecord(id, description, bases.takeString(), Topology.UNKNOWN, MoleculeType.UNKNOWN,
                List.of(), warnings, source, annotations));
        comments = new ArrayList<>();
        id = null;
    }

    private static boolean isBlank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
                return false;
            }
        }
        return true;
    }
}
