package org.evo2wb.app.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.evo2wb.app.data.LoadFailure;
import org.evo2wb.app.data.LoadedFile;
import org.evo2wb.app.data.LoadedRecord;
import org.evo2wb.app.data.LoadResult;
import org.evo2wb.bio.RecordQc;
import org.evo2wb.bio.SequenceRecord;

/** Text and JSON forms of a {@link LoadResult} for {@code evo2wb inspect}. */
final class InspectReport {

    private InspectReport() {}

    /**
     * One header line per file, then per record one line of figures and one indented line with its description:
     * <pre>
     * cor6_6.gb.gz: 6 records, 2,819 bp, 38 features
     *   X55053.1  linear  513 bp  GC 44.2%  N 0.00%  lowercase 0.0%  IUPAC 0  features 3 (CDS 1, gene 1, source 1)
     *     A.thaliana cor6.6 mRNA.
     * </pre>
     */
    static String text(LoadResult result) {
        StringBuilder sb = new StringBuilder();
        for (LoadedFile f : result.files()) {
            int n = f.records().size();
            sb.append(String.format(Locale.ROOT, "%s: %d %s, %,d bp, %,d features%n", f.file().getFileName(), n,
                    n == 1 ? "record" : "records", f.totalLength(), f.totalFeatures()));
            for (LoadedRecord lr : f.records()) {
                SequenceRecord r = lr.record();
                RecordQc qc = lr.qc();
                sb.append(String.format(Locale.ROOT,
                        "  %s  %s  %,d bp  GC %s  N %.2f%%  lowercase %.1f%%  IUPAC %d  features %d%s%n",
                        r.id(), r.topology().name().toLowerCase(Locale.ROOT), qc.length(), gcText(lr.gcPercent()),
                        lr.nPercent(), lr.lowercasePercent(), qc.iupacCount(), lr.featureCount(),
                        countsText(qc.featureCounts())));
                if (!r.description().isBlank()) {
                    sb.append("    ").append(r.description()).append(System.lineSeparator());
                }
                for (String w : r.warnings()) {
                    sb.append("    warning: ").append(w).append(System.lineSeparator());
                }
            }
        }
        return sb.toString();
    }

    private static String gcText(double gcPercent) {
        return Double.isNaN(gcPercent) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", gcPercent);
    }

    private static String countsText(Map<String, Integer> counts) {
        if (counts.isEmpty()) {
            return "";
        }
        return counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", ", " (", ")"));
    }

    /** {@code {"files": [{"file", "records": [...]}], "errors": [{"file", "record", "line", "message"}]}}. */
    static String json(LoadResult result) {
        JsonObject root = new JsonObject();
        JsonArray files = new JsonArray();
        for (LoadedFile f : result.files()) {
            JsonObject fo = new JsonObject();
            fo.addProperty("file", f.file().toString());
            JsonArray records = new JsonArray();
            for (LoadedRecord lr : f.records()) {
                records.add(recordJson(lr));
            }
            fo.add("records", records);
            files.add(fo);
        }
        root.add("files", files);
        JsonArray errors = new JsonArray();
        for (LoadFailure e : result.failures()) {
            JsonObject eo = new JsonObject();
            eo.addProperty("file", e.file().toString());
            eo.addProperty("record", e.record());
            eo.addProperty("line", e.line() > 0 ? e.line() : null);
            eo.addProperty("message", e.message());
            errors.add(eo);
        }
        root.add("errors", errors);
        return new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(root);
    }

    private static JsonObject recordJson(LoadedRecord lr) {
        SequenceRecord r = lr.record();
        RecordQc qc = lr.qc();
        JsonObject o = new JsonObject();
        o.addProperty("id", r.id());
        o.addProperty("description", r.description());
        o.addProperty("length", qc.length());
        o.addProperty("topology", r.topology().name().toLowerCase(Locale.ROOT));
        o.addProperty("molecule", r.molecule().name());
        o.addProperty("gcFraction", finiteOrNull(qc.gcFraction()));
        o.addProperty("nFraction", finiteOrNull(qc.nFraction()));
        o.addProperty("lowercaseFraction", finiteOrNull(qc.lowercaseFraction()));
        o.addProperty("iupacCount", qc.iupacCount());
        o.addProperty("featureCount", lr.featureCount());
        JsonObject counts = new JsonObject();
        qc.featureCounts().forEach(counts::addProperty);
        o.add("featureCounts", counts);
        JsonArray warnings = new JsonArray();
        r.warnings().forEach(warnings::add);
        o.add("warnings", warnings);
        o.addProperty("source", r.source());
        return o;
    }

    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
