package org.evo2wb.bio.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.evo2wb.bio.Feature;
import org.evo2wb.bio.Location;
import org.evo2wb.bio.MoleculeType;
import org.evo2wb.bio.SequenceFormat;
import org.evo2wb.bio.SequenceFormatException;
import org.evo2wb.bio.SequenceRecord;
import org.evo2wb.bio.Strand;
import org.evo2wb.bio.Topology;

/**
 * One GenBank or EMBL record while it is being read: header facts, the feature table and the bases; {@link #build}
 * checks the whole record and turns it into a {@link SequenceRecord}.
 *
 * <p>Rules (see docs/decisions/0001-sequence-parsing.md):
 * <ul>
 *   <li>no sequence section: an error (a CON record, whose sequence is only a CONTIG join of other entries, gets its
 *       own message);
 *   <li>a sequence length different from the LOCUS/ID length: a warning on the record;
 *   <li>a location outside {@code 1..length}: an error naming the feature's line;
 *   <li>a span whose start is after its end wraps the origin: split into two spans at the origin; a warning when the
 *       record is not declared circular;
 *   <li>a location lying only on other entries: the feature is left out with a warning on the record.
 * </ul>
 */
final class FlatRecordBuilder {

    final SequenceFormat format;
    final long startLine;
    final SequenceBuffer bases = new SequenceBuffer();
    final FeatureTableParser featureTable;
    final List<String> warnings = new ArrayList<>();

    String locusName;
    String accession;
    String version;
    final StringBuilder description = new StringBuilder();
    String organism;
    final StringBuilder taxonomy = new StringBuilder();
    String moleculeText;
    String division;
    long declaredLength = -1;
    Topology topology = Topology.UNKNOWN;
    MoleculeType molecule = MoleculeType.UNKNOWN;
    boolean hasSequenceSection;
    StringBuilder contig;

    FlatRecordBuilder(SequenceFormat format, long startLine, ParseContext ctx) {
        this.format = format;
        this.startLine = startLine;
        this.featureTable = new FeatureTableParser(ctx);
    }

    /** The name used in messages and as the record id. */
    String id() {
        if (version != null) {
            return version;
        }
        if (accession != null) {
            return accession;
        }
        return locusName == null ? "(unnamed)" : locusName;
    }

    static MoleculeType moleculeOf(String text) {
        String upper = text.toUpperCase();
        if (upper.contains("RNA")) {
            return MoleculeType.RNA;
        }
        return upper.contains("DNA") ? MoleculeType.DNA : MoleculeType.UNKNOWN;
    }

    /** Appends one sequence line; an illegal character is an error naming the line and column. */
    void appendSequenceLine(ParseContext ctx, byte[] line, int length, long lineNo) throws SequenceFormatException {
        int bad = SequenceChars.append(line, 0, length, bases);
        if (bad >= 0) {
            throw ctx.error(lineNo, SequenceChars.explain(line[bad] & 0xFF) + " (column " + (bad + 1) + ")");
        }
    }

    /**
     * The file ended before this record's {@code //}: the record is kept, with a warning, only when its sequence was
     * reached and holds every base the LOCUS/ID line declares; otherwise the file is truncated and this is an error.
     */
    SequenceRecord buildAtEndOfFile(ParseContext ctx, long lastLine) throws SequenceFormatException {
        String what = format == SequenceFormat.GENBANK ? "LOCUS" : "ID";
        String section = format == SequenceFormat.GENBANK ? "ORIGIN" : "SQ";
        String start = " (started at line " + startLine + ")";
        if (!hasSequenceSection) {
            throw ctx.error(lastLine, "the file ends inside this record" + start + " before any " + section
                    + " (sequence) section and without the closing '//': truncated file?");
        }
        long have = bases.length();
        if (declaredLength < 0 || have != declaredLength) {
            throw ctx.error(lastLine, "the file ends inside this record" + start + " without the closing '//' after "
                    + have + " bases" + (declaredLength >= 0 ? " of the " + declaredLength + " declared by " + what
                    : "") + ": truncated file?");
        }
        warnings.add("the file ends without the '//' line that closes this record; all " + have
                + " bases declared by the " + what + " line were read");
        return build(ctx, lastLine);
    }

    SequenceRecord build(ParseContext ctx, long endLine) throws SequenceFormatException {
        String what = format == SequenceFormat.GENBANK ? "LOCUS" : "ID";
        String section = format == SequenceFormat.GENBANK ? "ORIGIN" : "SQ";
        if (!hasSequenceSection) {
            if (contig != null) {
                throw ctx.error(startLine, "this is a CON record: its sequence is only given as a"
                        + " join of other entries (CONTIG " + contig.toString().strip() + "), so there are no bases"
                        + " to read; download the record with its sequence instead");
            }
            throw ctx.error(endLine, "the record has no " + section + " section, so it has no sequence");
        }
        if (bases.length() == 0) {
            throw ctx.error(endLine, "the " + section + " section holds no bases"
                    + (declaredLength > 0 ? " although the " + what + " line declares " + declaredLength : ""));
        }
        if (declaredLength >= 0 && declaredLength != bases.length()) {
            warnings.add("the " + what + " line declares " + declaredLength + " bases but the " + section
                    + " section has " + bases.length());
        }
        List<FeatureTableParser.RawFeature> raw = featureTable.finish();
        long length = bases.length();
        List<Feature> features = new ArrayList<>(raw.size());
        for (FeatureTableParser.RawFeature f : raw) {
            Feature resolved = resolve(ctx, f, length);
            if (resolved != null) {
                features.add(resolved);
            }
        }
        String source = ctx.source(startLine);
        String dup = ctx.duplicateIdWarning(id(), startLine);
        if (dup != null) {
            warnings.add(dup);
        }
        return new SequenceRecord(id(), description.toString().strip(), bases.takeString(), topology, molecule,
                features, warnings, source, annotations());
    }

    private Map<String, String> annotations() {
        Map<String, String> a = new LinkedHashMap<>();
        a.put(SequenceRecord.KEY_FORMAT, format.name());
        putIf(a, SequenceRecord.KEY_LOCUS, locusName);
        putIf(a, SequenceRecord.KEY_ACCESSION, accession);
        putIf(a, SequenceRecord.KEY_VERSION, version);
        putIf(a, SequenceRecord.KEY_ORGANISM, organism);
        putIf(a, SequenceRecord.KEY_TAXONOMY, taxonomy.toString().strip());
        putIf(a, SequenceRecord.KEY_MOLECULE_TEXT, moleculeText);
        putIf(a, SequenceRecord.KEY_DIVISION, division);
        if (declaredLength >= 0) {
            a.put(SequenceRecord.KEY_DECLARED_LENGTH, Long.toString(declaredLength));
        }
        return a;
    }

    private static void putIf(Map<String, String> a, String key, String value) {
        if (value != null && !value.isBlank()) {
            a.put(key, value);
        }
    }

    private Feature resolve(ParseContext ctx, FeatureTableParser.RawFeature f, long length)
            throws SequenceFormatException {
        LocationParser.RawLocation raw;
        try {
            raw = LocationParser.parse(f.location());
        } catch (LocationParser.LocationException e) {
            throw ctx.error(f.line(), "feature " + f.key() + ": " + e.getMessage());
        }
        List<Location.Span> spans = new ArrayList<>();
        boolean local = false;
        for (LocationParser.RawSpan s : raw.spans()) {
            if (s.accession() != null) {
                if (s.start() > s.end()) {
                    throw ctx.error(f.line(), "feature " + f.key() + ": the part on " + s.accession()
                            + " starts after it ends in location " + f.location());
                }
                spans.add(new Location.Span(s.start(), s.end(), s.strand(), s.fuzzyStart(), s.fuzzyEnd(),
                        s.accession()));
                continue;
            }
            local = true;
            if (s.start() > length || s.end() > length) {
                throw ctx.error(f.line(), "feature " + f.key() + ": location " + f.location()
                        + " lies outside the sequence (1.." + length + ")");
            }
            if (s.start() <= s.end()) {
                spans.add(new Location.Span(s.start(), s.end(), s.strand(), s.fuzzyStart(), s.fuzzyEnd()));
            } else {
                if (topology != Topology.CIRCULAR) {
                    warnings.add("line " + f.line() + ": feature " + f.key() + " location " + f.location()
                            + " runs across the origin, but the record is declared "
                            + topology.name().toLowerCase() + "; read as wrapping the origin");
                }
                Location.Span toEnd = new Location.Span(s.start(), length, s.strand(), s.fuzzyStart(), false);
                Location.Span fromOne = new Location.Span(1, s.end(), s.strand(), false, s.fuzzyEnd());
                if (s.strand() == Strand.REVERSE) {
                    spans.add(fromOne);
                    spans.add(toEnd);
                } else {
                    spans.add(toEnd);
                    spans.add(fromOne);
                }
            }
        }
        if (!local) {
            warnings.add("line " + f.line() + ": feature " + f.key() + " (" + f.location()
                    + ") lies only on other entries and is left out");
            return null;
        }
        Strand strand = spans.get(0).strand();
        for (Location.Span s : spans) {
            if (s.strand() != strand) {
                strand = Strand.UNKNOWN;
                break;
            }
        }
        return new Feature(f.key(), new Location(spans, strand, raw.order(), f.location()), f.qualifiers());
    }
}
