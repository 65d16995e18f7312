package org.evo2wb.bio.io;

import java.io.IOException;
import org.evo2wb.bio.MoleculeType;
import org.evo2wb.bio.SequenceFormat;
import org.evo2wb.bio.SequenceFormatException;
import org.evo2wb.bio.Topology;

/**
 * Streaming GenBank flat-file reader: {@code LOCUS} ... {@code FEATURES} ... {@code ORIGIN} ... {@code //}, any
 * number of records. Header keywords start in column 1; sub-keywords ({@code ORGANISM}) are indented by two; longer
 * indents continue the previous keyword. Only what a workbench user needs is kept (id, definition, organism,
 * lineage, topology, molecule, features, bases); other header sections are passed over. An NCBI release division
 * file ({@code gbbct1.seq}, ...) starts with a release header before its first LOCUS: see {@link ReleaseHeader}.
 */
final class GenbankParser {

    private enum Section { HEADER, FEATURES, CONTIG, ORIGIN }

    private final ParseContext ctx;
    private final LineReader in;
    private FlatRecordBuilder rec;
    private Section section;
    private String keyword;
    private ReleaseHeader releaseHeader;

    GenbankParser(ParseContext ctx, LineReader in) {
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
                if (releaseHeader == null && ctx.records() == 0 && !in.lineStartsWith("LOCUS")
                        && ReleaseHeader.isFirstLine(in.lineText())) {
                    releaseHeader = new ReleaseHeader(lineNo);
                }
                if (releaseHeader != null && ctx.records() == 0 && !in.lineStartsWith("LOCUS")) {
                    releaseHeader.line(ctx, in.lineText(), lineNo);
                    continue;
                }
                if (!in.lineStartsWith("LOCUS")) {
                    throw ctx.error(lineNo, "expected a LOCUS line to start a GenBank record, found '"
                            + abbreviate(in.lineText()) + "'");
                }
                startRecord(in.lineText(), lineNo);
                continue;
            }
            if (in.lineStartsWith("//")) {
                ctx.emit(rec.build(ctx, lineNo));
                rec = null;
                continue;
            }
            if (section == Section.ORIGIN) {
                byte first = in.lineLength() > 0 ? in.lineBytes()[0] : (byte) ' ';
                if (first != ' ' && first != '\t' && !Character.isDigit(first)) {
                    throw unexpectedInSequence(lineNo);
                }
                rec.appendSequenceLine(ctx, in.lineBytes(), in.lineLength(), lineNo);
                continue;
            }
            String text = in.lineText();
            if (text.isBlank()) {
                continue;
            }
            if (!Character.isWhitespace(text.charAt(0))) {
                topLevel(text, lineNo);
            } else if (section == Section.FEATURES) {
                rec.featureTable.line(text, lineNo);
            } else if (section == Section.CONTIG) {
                rec.contig.append(text.strip());
            } else {
                headerContinuation(text);
            }
        }
        if (rec != null) {
            ctx.emit(rec.buildAtEndOfFile(ctx, in.line()));
        }
        if (releaseHeader != null) {
            releaseHeader.checkCounts(ctx, in.line());
        }
    }

    private void startRecord(String text, long lineNo) throws SequenceFormatException {
        rec = new FlatRecordBuilder(SequenceFormat.GENBANK, lineNo, ctx);
        section = Section.HEADER;
        keyword = "LOCUS";
        String[] t = text.strip().split("\\s+");
        rec.locusName = t.length > 1 ? t[1] : null;
        ctx.currentRecord(rec.id());
        int lengthAt = -1;
        for (int i = 2; i < t.length; i++) {
            if ((t[i].equalsIgnoreCase("bp") || t[i].equalsIgnoreCase("aa")) && isNumber(t[i - 1])) {
                if (t[i].equalsIgnoreCase("aa")) {
                    throw ctx.error(lineNo, "this is a protein record (the LOCUS line says "
                            + t[i - 1] + " aa); only DNA and RNA records can be read");
                }
                rec.declaredLength = Long.parseLong(t[i - 1]);
                lengthAt = i;
                break;
            }
        }
        if (lengthAt < 0) {
            rec.warnings.add("line " + lineNo + ": the LOCUS line states no length in bp");
        }
        for (int i = Math.max(lengthAt + 1, 2); i < t.length; i++) {
            String tok = t[i];
            if (tok.equalsIgnoreCase("circular")) {
                rec.topology = Topology.CIRCULAR;
            } else if (tok.equalsIgnoreCase("linear")) {
                rec.topology = Topology.LINEAR;
            } else if (rec.molecule == MoleculeType.UNKNOWN && FlatRecordBuilder.moleculeOf(tok)
                    != MoleculeType.UNKNOWN) {
                rec.moleculeText = tok;
                rec.molecule = FlatRecordBuilder.moleculeOf(tok);
            } else if (tok.length() == 3 && tok.chars().allMatch(Character::isUpperCase) && rec.division == null) {
                rec.division = tok;
            }
        }
    }

    private void topLevel(String text, long lineNo) throws SequenceFormatException {
        int space = text.indexOf(' ');
        keyword = space < 0 ? text.strip() : text.substring(0, space);
        String rest = space < 0 ? "" : text.substring(space).strip();
        section = Section.HEADER;
        switch (keyword) {
            case "LOCUS" -> throw ctx.error(lineNo, "a new LOCUS line starts before the '//' that ends this record"
                    + " (started at line " + rec.startLine + ")");
            case "FEATURES" -> section = Section.FEATURES;
            case "ORIGIN" -> {
                section = Section.ORIGIN;
                rec.hasSequenceSection = true;
                rec.bases.expect(rec.declaredLength);
            }
            case "CONTIG" -> {
                section = Section.CONTIG;
                rec.contig = new StringBuilder(rest);
            }
            case "DEFINITION" -> rec.description.append(rest);
            case "ACCESSION" -> {
                String acc = rest.isEmpty() ? null : rest.split("\\s+")[0];
                rec.accession = acc == null || acc.equals(".") ? null : acc;
                ctx.currentRecord(rec.id());
            }
            case "VERSION" -> {
                String v = rest.isEmpty() ? null : rest.split("\\s+")[0];
                rec.version = v == null || v.equals(".") ? null : v;
                ctx.currentRecord(rec.id());
            }
            default -> {
                // REFERENCE, COMMENT, KEYWORDS, SOURCE, BASE COUNT, DBLINK, ...: not kept
            }
        }
    }

    private void headerContinuation(String text) {
        String stripped = text.strip();
        int indent = text.indexOf(stripped.charAt(0));
        if (indent < 12 && !stripped.isEmpty() && Character.isUpperCase(stripped.charAt(0))) {
            int space = stripped.indexOf(' ');
            String sub = space < 0 ? stripped : stripped.substring(0, space);
            if (sub.chars().allMatch(c -> Character.isUpperCase(c) || c == '_')) {
                keyword = sub;
                if (sub.equals("ORGANISM")) {
                    rec.organism = space < 0 ? null : stripped.substring(space).strip();
                }
                return;
            }
        }
        switch (keyword) {
            case "DEFINITION" -> rec.description.append(' ').append(stripped);
            case "ORGANISM" -> rec.taxonomy.append(rec.taxonomy.length() == 0 ? "" : " ").append(stripped);
            default -> {
                // continuation of a section that is not kept
            }
        }
    }

    private SequenceFormatException unexpectedInSequence(long lineNo) {
        String text = in.lineText();
        if (text.startsWith("LOCUS")) {
            return ctx.error(lineNo, "a new LOCUS line starts before the '//' that ends this record"
                    + " (started at line " + rec.startLine + ")");
        }
        return ctx.error(lineNo, "unexpected line in the ORIGIN section: '"
                + abbreviate(text) + "'");
    }

    static boolean isNumber(String s) {
        return !s.isEmpty() && s.length() < 13 && s.chars().allMatch(Character::isDigit);
    }

    static String abbreviate(String s) {
        String t = s.strip();
        return t.length() > 60 ? t.substring(0, 60) + "..." : t;
    }
}
