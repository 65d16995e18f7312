package org.evo2wb.bio.dataset;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What a run was trained on, written into its run folder: the source files with SHA-256 and counts, the window and
 * split options (seed included), the held-out records and the resulting counts. Enough to rebuild the exact same
 * windows from the same files.
 *
 * @param files source files in reading order
 * @param options the options the windows were built with
 * @param validationRecordIds ids of the held-out records ({@code id@file:line})
 * @param summary resulting counts
 */
public record DatasetManifest(
        List<Corpus.SourceFile> files,
        DatasetOptions options,
        List<String> validationRecordIds,
        DatasetSummary summary) {

    public DatasetManifest {
        files = List.copyOf(files);
        validationRecordIds = List.copyOf(validationRecordIds);
    }

    /** Writes {@link #toJson()} to a file (UTF-8). */
    public void write(Path file) throws IOException {
        Files.writeString(file, toJson(), StandardCharsets.UTF_8);
    }

    /** The manifest as indented JSON. */
    public String toJson() {
        StringBuilder j = new StringBuilder("{\n  \"files\": [");
        for (int i = 0; i < files.size(); i++) {
            Corpus.SourceFile f = files.get(i);
            j.append(i == 0 ? "\n" : ",\n").append("    {");
            field(j, "path", f.path().toAbsolutePath().toString()).append(", ");
            field(j, "sha256", f.sha256()).append(", ");
            j.append("\"bytes\": ").append(f.fileBytes()).append(", ");
            field(j, "format", f.format().name()).append(", ");
            field(j, "compression", f.compression().name()).append(", ");
            j.append("\"records\": ").append(f.records()).append(", ");
            j.append("\"bases\": ").append(f.bases()).append('}');
        }
        j.append(files.isEmpty() ? "],\n" : "\n  ],\n");
        DatasetOptions o = options;
        j.append("  \"options\": {");
        j.append("\"windowTokens\": ").append(o.windowTokens()).append(", ");
        j.append("\"stride\": ").append(o.stride()).append(", ");
        j.append("\"prependBos\": ").append(o.prependBos()).append(", ");
        j.append("\"appendEos\": ").append(o.appendEos()).append(", ");
        field(j, "reverseComplement", o.reverseComplement().name()).append(", ");
        field(j, "caseMode", o.caseMode().name()).append(", ");
        j.append("\"validationFraction\": ").append(number(o.validationFraction())).append(", ");
        j.append("\"splitSeed\": ").append(o.splitSeed()).append(", ");
        j.append("\"maxNFraction\": ").append(number(o.maxNFraction())).append(", ");
        j.append("\"maxNRun\": ").append(o.maxNRun()).append("},\n");
        j.append("  \"validationRecords\": [");
        for (int i = 0; i < validationRecordIds.size(); i++) {
            j.append(i == 0 ? "" : ", ");
            string(j, validationRecordIds.get(i));
        }
        j.append("],\n");
        DatasetSummary s = summary;
        j.append("  \"counts\": {");
        j.append("\"records\": ").append(s.records()).append(", ");
        j.append("\"trainRecords\": ").append(s.trainRecords()).append(", ");
        j.append("\"validationRecords\": ").append(s.validationRecords()).append(", ");
        j.append("\"trainBases\": ").append(s.trainBases()).append(", ");
        j.append("\"validationBases\": ").append(s.validationBases()).append(", ");
        j.append("\"trainWindows\": ").append(s.trainWindows()).append(", ");
        j.append("\"validationWindows\": ").append(s.validationWindows()).append(", ");
        j.append("\"trainTokens\": ").append(s.trainTokens()).append(", ");
        j.append("\"validationTokens\": ").append(s.validationTokens()).append(", ");
        j.append("\"droppedWindows\": ").append(s.droppedWindows()).append(", ");
        j.append("\"shortWindows\": ").append(s.shortWindows()).append("}\n");
        return j.append("}\n").toString();
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, "%s", v);
    }

    private static StringBuilder field(StringBuilder j, String name, String value) {
        string(j, name);
        j.append(": ");
        string(j, value);
        return j;
    }

    private static void string(StringBuilder j, String s) {
        j.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> j.append("\\\"");
                case '\\' -> j.append("\\\\");
                case '\n' -> j.append("\\n");
                case '\r' -> j.append("\\r");
                case '\t' -> j.append("\\t");
                default -> {
                    if (c < 0x20) {
                        j.append(String.format("\\u%04x", (int) c));
                    } else {
                        j.append(c);
                    }
                }
            }
        }
        j.append('"');
    }
}
