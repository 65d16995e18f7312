package org.evo2wb.bio.io;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.evo2wb.bio.Strand;

/**
 * Parses an INSDC feature location string (GenBank/EMBL) into spans, before it is checked against the record.
 *
 * <pre>
 * location := complement(location) | join(list) | order(list) | span
 * list     := location (',' location)*
 * span     := [accession ':'] position ['..' position | '^' position]
 * position := ['&lt;' | '&gt;'] int | one-of(int, ...) | (int.int) | int.int
 * </pre>
 *
 * <p>Spans come out in biological order: {@code complement(...)} reverses its parts and flips their strand. A span
 * whose start is after its end is returned as written (it wraps the origin); {@link FlatRecordBuilder} decides what
 * that means for the record's topology. Positions are 1-based; a negative or zero position is an error.
 */
final class LocationParser {

    /** A location that could not be parsed; the message says what and where. */
    static final class LocationException extends Exception {
        LocationException(String message) {
            super(message);
        }
    }

    record RawSpan(long start, long end, Strand strand, boolean fuzzyStart, boolean fuzzyEnd, String accession) {
        RawSpan flip() {
            Strand s = strand == Strand.FORWARD ? Strand.REVERSE : strand == Strand.REVERSE ? Strand.FORWARD : strand;
            return new RawSpan(start, end, s, fuzzyStart, fuzzyEnd, accession);
        }
    }

    record RawLocation(List<RawSpan> spans, boolean order) {}

    private record Position(long low, long high, boolean fuzzy) {}

    private final String text;
    private int at;
    private boolean order;

    private LocationParser(String text) {
        this.text = text;
    }

    /** Parses {@code text}; whitespace (from wrapped lines) is ignored. */
    static RawLocation parse(String text) throws LocationException {
        String compact = text.replaceAll("\\s+", "");
        if (compact.isEmpty()) {
            throw new LocationException("empty location");
        }
        LocationParser p = new LocationParser(compact);
        List<RawSpan> spans = p.location();
        if (p.at != compact.length()) {
            throw p.fail("unexpected '" + compact.charAt(p.at) + "'");
        }
        return new RawLocation(spans, p.order);
    }

    private List<RawSpan> location() throws LocationException {
        if (take("complement(")) {
            List<RawSpan> inner = new ArrayList<>(location());
            expect(')');
            Collections.reverse(inner);
            inner.replaceAll(RawSpan::flip);
            return inner;
        }
        boolean isJoin = take("join(");
        boolean isOrder = !isJoin && take("order(");
        if (isJoin || isOrder) {
            order |= isOrder;
            List<RawSpan> parts = new ArrayList<>(location());
            while (take(",")) {
                parts.addAll(location());
            }
            expect(')');
            return parts;
        }
        for (String op : List.of("bond(", "gap(")) {
            if (text.startsWith(op, at)) {
                throw fail("the operator " + op + "...) is not supported in a nucleotide feature location");
            }
        }
        return List.of(span());
    }

    private RawSpan span() throws LocationException {
        String accession = accession();
        Position first = position();
        if (take("..")) {
            Position second = position();
            return new RawSpan(first.low(), second.high(), Strand.FORWARD, first.fuzzy(), second.fuzzy(), accession);
        }
        if (take("^")) {
            Position second = position();
            // a site between two bases: kept as the two flanking bases, both ends fuzzy
            return new RawSpan(first.low(), second.high(), Strand.FORWARD, true, true, accession);
        }
        return new RawSpan(first.low(), first.high(), Strand.FORWARD, first.fuzzy(), first.fuzzy(), accession);
    }

    private String accession() {
        int i = at;
        if (i >= text.length() || !Character.isLetter(text.charAt(i))) {
            return null;
        }
        while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_'
                || text.charAt(i) == '.')) {
            i++;
        }
        if (i < text.length() && text.charAt(i) == ':') {
            String acc = text.substring(at, i);
            at = i + 1;
            return acc;
        }
        return null;
    }

    private Position position() throws LocationException {
        if (take("<") || take(">")) {
            long v = number();
            return new Position(v, v, true);
        }
        if (take("one-of(")) {
            long low = number();
            long high = low;
            while (take(",")) {
                high = number();
            }
            expect(')');
            return new Position(Math.min(low, high), Math.max(low, high), true);
        }
        if (take("(")) {
            long low = number();
            expect('.');
            long high = number();
            expect(')');
            return new Position(low, high, true);
        }
        long v = number();
        if (at + 1 < text.length() && text.charAt(at) == '.' && Character.isDigit(text.charAt(at + 1))) {
            at++; // old "within" notation 102.110
            long high = number();
            return new Position(v, high, true);
        }
        return new Position(v, v, false);
    }

    private long number() throws LocationException {
        if (at < text.length() && text.charAt(at) == '-') {
            int end = at + 1;
            while (end < text.length() && Character.isDigit(text.charAt(end))) {
                end++;
            }
            throw fail("negative position " + text.substring(at, end) + ": positions start at base 1");
        }
        int start = at;
        while (at < text.length() && Character.isDigit(text.charAt(at))) {
            at++;
        }
        if (start == at) {
            throw fail(at < text.length() ? "expected a base position, found '" + text.charAt(at) + "'"
                    : "the location ends where a base position was expected");
        }
        if (at - start > 12) {
            throw fail("position " + text.substring(start, at) + " is too large");
        }
        long v = Long.parseLong(text, start, at, 10);
        if (v == 0) {
            throw fail("position 0: positions start at base 1");
        }
        return v;
    }

    private boolean take(String token) {
        if (text.startsWith(token, at)) {
            at += token.length();
            return true;
        }
        return false;
    }

    private void expect(char c) throws LocationException {
        if (at >= text.length() || text.charAt(at) != c) {
            throw fail("expected '" + c + "'" + (at < text.length() ? " but found '" + text.charAt(at) + "'"
                    : " but the location ends"));
        }
        at++;
    }

    private LocationException fail(String problem) {
        return new LocationException(problem + " at character " + (at + 1) + " of location " + text);
    }
}
