package org.evo2wb.bio.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.evo2wb.bio.SequenceFormatException;

/**
 * Reads feature table lines in the GenBank column layout (EMBL {@code FT} lines are passed with {@code FT} replaced
 * by two spaces): a feature key indented by fewer than 21 columns starts a feature, lines indented by 21 or more
 * continue its location (before the first qualifier) or its qualifiers.
 *
 * <p>Qualifier values: {@code /name="text"} (quotes removed, {@code ""} becomes {@code "}, continuation lines joined
 * with a space, except {@code /translation} which is joined without), {@code /name=value} (unquoted, kept as
 * written), {@code /name} (empty string). A quoted value that never closes is an error naming its line.
 */
final class FeatureTableParser {

    /** A feature as written, before its location is checked against the record. */
    record RawFeature(String key, String location, Map<String, List<String>> qualifiers, long line) {}

    private static final int QUALIFIER_COLUMN = 21;

    private final ParseContext ctx;
    private final List<RawFeature> features = new ArrayList<>();

    private String key;
    private long keyLine;
    private StringBuilder location;
    private Map<String, List<String>> qualifiers;
    private String qualifierName;
    private StringBuilder qualifierValue;
    private long qualifierLine;

    FeatureTableParser(ParseContext ctx) {
        this.ctx = ctx;
    }

    /** One line of the table (without the line break). */
    void line(String text, long lineNo) throws SequenceFormatException {
        int first = 0;
        int indent = 0; // in columns, a tab advancing to the next multiple of 8
        while (first < text.length() && (text.charAt(first) == ' ' || text.charAt(first) == '\t')) {
            indent = text.charAt(first) == ' ' ? indent + 1 : (indent / 8 + 1) * 8;
            first++;
        }
        if (first == text.length()) {
            return; // blank
        }
        if (indent == 0) {
            throw ctx.error(lineNo, "feature table line does not start with spaces: '" + text.strip() + "'");
        }
        String content = text.substring(first).stripTrailing();
        if (indent < QUALIFIER_COLUMN) {
            finishFeature();
            int space = firstSpace(content);
            key = space < 0 ? content : content.substring(0, space);
            keyLine = lineNo;
            location = new StringBuilder(space < 0 ? "" : content.substring(space).strip());
            qualifiers = new LinkedHashMap<>();
            return;
        }
        if (key == null) {
            throw ctx.error(lineNo, "feature table continuation line before any feature key: '" + content + "'");
        }
        if (qualifierName != null && insideQuotes()) {
            appendToValue(content);
        } else if (content.startsWith("/")) {
            finishQualifier();
            int eq = content.indexOf('=');
            qualifierName = eq < 0 ? content.substring(1) : content.substring(1, eq);
            qualifierValue = eq < 0 ? null : new StringBuilder(content.substring(eq + 1));
            qualifierLine = lineNo;
        } else if (qualifierName == null) {
            location.append(content);
        } else {
            appendToValue(content);
        }
    }

    /** Ends the table; returns every feature in file order. */
    List<RawFeature> finish() throws SequenceFormatException {
        finishFeature();
        return features;
    }

    private void appendToValue(String content) {
        if (qualifierValue == null) {
            qualifierValue = new StringBuilder();
        } else if (!"translation".equals(qualifierName)) {
            qualifierValue.append(' ');
        }
        qualifierValue.append(content);
    }

    private boolean insideQuotes() {
        if (qualifierValue == null || qualifierValue.length() == 0 || qualifierValue.charAt(0) != '"') {
            return false;
        }
        int quotes = 0;
        for (int i = 0; i < qualifierValue.length(); i++) {
            if (qualifierValue.charAt(i) == '"') {
                quotes++;
            }
        }
        return quotes % 2 == 1;
    }

    private void finishQualifier() throws SequenceFormatException {
        if (qualifierName == null) {
            return;
        }
        if (qualifierName.isEmpty()) {
            throw ctx.error(qualifierLine, "qualifier without a name ('/') in feature " + key);
        }
        String value;
        if (qualifierValue == null) {
            value = "";
        } else if (qualifierValue.length() > 0 && qualifierValue.charAt(0) == '"') {
            if (insideQuotes() || qualifierValue.length() < 2) {
                throw ctx.error(qualifierLine, "the quoted value of /" + qualifierName + " in feature " + key
                        + " never closes (missing '\"')");
            }
            value = qualifierValue.substring(1, qualifierValue.length() - 1).replace("\"\"", "\"");
        } else {
            value = qualifierValue.toString();
        }
        qualifiers.computeIfAbsent(qualifierName, k -> new ArrayList<>(1)).add(value);
        qualifierName = null;
        qualifierValue = null;
    }

    private void finishFeature() throws SequenceFormatException {
        if (key == null) {
            return;
        }
        finishQualifier();
        if (location.length() == 0) {
            throw ctx.error(keyLine, "feature " + key + " has no location");
        }
        features.add(new RawFeature(key, location.toString(), qualifiers, keyLine));
        key = null;
    }

    private static int firstSpace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
