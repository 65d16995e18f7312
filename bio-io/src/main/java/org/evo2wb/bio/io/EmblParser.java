package org.evo2wb.bio.io;

import java.io.IOException;
import org.evo2wb.bio.MoleculeType;
import org.evo2wb.bio.SequenceFormat;
import org.evo2wb.bio.SequenceFormatException;
import org.evo2wb.bio.Topology;

/**
 * Streaming EMBL flat-file reader: {@code ID} ... {@code FT} ... {@code SQ} ... {@code //}, any number of records.
 * Both ID line layouts are read: the current one ({@code ID   K02675; SV 1; linear; genomic DNA; STD; UNC; 569 BP.})
 * and the pre-2006 one ({@code ID   U87107     standard; DNA; SYN; 8840 BP.}). {@code FT} lines go through the same
 * feature table reader as GenBank.
 */
final class EmblParser {

    private final ParseContext ctx;
    private final LineReader in;
    private FlatRecordBuilder rec;
    private boolean inSequence;

    EmblParser(ParseContext ctx, LineReader in) {
        this.ctx = ctx;
        this.in = in;
    }

    void parse() throws IOException, SequenceFormatException {
        while (in.nextLine()) {
            long lineNo = in.line();
            if (rec == null) {
                if (in.lineIsBlank()) {
                    continue;
                }
                if (!in.lineStartsWith("ID ")) {
                    throw ctx.error(lineNo, "expected an ID line to start an EMBL record, found '"
                            + GenbankParser.abbreviate(in.lineText()) + "'");
                }
                startRecord(in.lineText(), lineNo);
                continue;
            }
            if (in.lineStartsWith("//")) {
                ctx.emit(rec.build(ctx, lineNo));
                rec = null;
                inSequence = false;
                continue;
            }
            if (inSequence) {
                byte first = in.lineLength() > 0 ? in.lineBytes()[0] : (byte) ' ';
                if (first != ' ' && first != '\t') {
                    throw ctx.error(lineNo, in.lineStartsWith("ID ")
                            ? "a new ID line starts before the '//' that ends this record (started at line "
                                    + rec.startLine + ")"
                            : "unexpected line in the sequence: '"
                                    + GenbankParser.abbreviate(in.lineText()) + "'");
                }
                rec.appendSequenceLine(ctx, in.lineBytes(), in.lineLength(), lineNo);
                continue;
            }
            String text = in.lineText();
            if (text.isBlank()) {
                continue;
            }
            String code = text.length() >= 2 ? text.substring(0, 2) : text;
            String rest = text.length() > 5 ? text.substring(5).strip() : text.substring(code.length()).strip();
            switch (code) {
                case "ID" -> throw ctx.error(lineNo, "a new ID line starts before the '//' that ends this record"
                        + " (started at line " + rec.startLine + ")");
                case "AC" -> {
                    if (rec.accession == null && !rest.isEmpty()) {
                        rec.accession = rest.split("[;\\s]+")[0];
                        ctx.currentRecord(rec.id());
                    }
                }
                case "SV" -> {
                    rec.version = rest.isEmpty() ? null : rest.split("[;\\s]+")[0];
                    ctx.currentRecord(rec.id());
                }
                case "DE" -> rec.description.append(rec.description.length() == 0 ? "" : " ").append(rest);
                case "OS" -> rec.organism = rec.organism == null ? rest : rec.organism + " " + rest;
                case "OC" -> rec.taxonomy.append(rec.taxonomy.length() == 0 ? "" : " ").append(rest);
                case "FT" -> rec.featureTable.line("  " + text.substring(2), lineNo);
                case "CO" -> {
                    if (rec.contig == null) {
                        rec.contig = new StringBuilder();
                    }
                    rec.contig.append(rest);
                }
                case "SQ" -> {
                    inSequence = true;
                    rec.hasSequenceSection = true;
                    rec.bases.expect(rec.declaredLength);
                }
                default -> {
                    // XX, FH, DT, KW, OG, R*, DR, CC, ...: not kept
                }
            }
        }
        if (rec != null) {
            ctx.emit(rec.buildAtEndOfFile(ctx, in.line()));
        }
    }

    private void startRecord(String text, long lineNo) throws SequenceFormatException {
        rec = new FlatRecordBuilder(SequenceFormat.EMBL, lineNo, ctx);
        inSequence = false;
        String body = text.substring(2).strip();
        String[] parts = body.split(";");
        String first = parts[0].strip();
        boolean oldLayout = first.contains(" ") || parts.length < 7;
        String name = first.split("\\s+")[0];
        rec.locusName = name;
        rec.accession = name;
        ctx.currentRecord(rec.id());
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip();
            String lower = p.toLowerCase();
            if (lower.startsWith("sv ")) {
                rec.version = name + "." + p.substring(3).strip();
            } else if (lower.equals("linear") || lower.equals("circular")) {
                rec.topology = lower.equals("linear") ? Topology.LINEAR : Topology.CIRCULAR;
            } else if (lower.endsWith(" bp.") || lower.endsWith(" bp") || lower.endsWith(" aa.")
                    || lower.endsWith(" aa")) {
                String number = p.split("\\s+")[0];
                if (lower.contains(" aa")) {
                    throw ctx.error(lineNo, "this is a protein record (the ID line says " + number
                            + " AA); only DNA and RNA records can be read");
                }
                if (GenbankParser.isNumber(number)) {
                    rec.declaredLength = Long.parseLong(number);
                }
            } else if (FlatRecordBuilder.moleculeOf(p) != MoleculeType.UNKNOWN
                    && rec.molecule == MoleculeType.UNKNOWN) {
                rec.moleculeText = p;
                rec.molecule = FlatRecordBuilder.moleculeOf(p);
                if (lower.startsWith("circular ")) {
                    rec.topology = Topology.CIRCULAR; // old layout: "circular DNA"
                }
            } else if (oldLayout ? p.length() == 3 && p.chars().allMatch(Character::isUpperCase) : i == 5) {
                rec.division = p;
            }
        }
        if (rec.declaredLength < 0) {
            rec.warnings.add("line " + lineNo + ": the ID line states no length in BP");
        }
    }
}
