package org.evo2wb.engine.train.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The runs folder: one sub-folder per fine-tuning run ({@code ~/.evo2wb/runs} unless the user chooses another).
 * Lists the runs newest first, names new ones, and compares the settings of several.
 */
public final class RunHistory {

    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private RunHistory() {
    }

    /** The default runs folder, {@code ~/.evo2wb/runs}. */
    public static Path defaultFolder() {
        return Path.of(System.getProperty("user.home"), ".evo2wb", "runs");
    }

    /**
     * Every run under {@code runsFolder} (a sub-folder holding {@code run.json} or {@code status.json}), newest
     * first (by creation time, else folder name). An absent folder has no runs.
     */
    public static List<RunSummary> list(Path runsFolder) throws IOException {
        List<RunSummary> out = new ArrayList<>();
        if (!Files.isDirectory(runsFolder)) {
            return out;
        }
        try (Stream<Path> s = Files.list(runsFolder)) {
            for (Path p : s.filter(Files::isDirectory).toList()) {
                if (Files.exists(p.resolve(RunFolder.RECORD)) || Files.exists(p.resolve(RunFolder.STATUS))) {
                    out.add(RunSummary.read(p));
                }
            }
        }
        out.sort(Comparator.comparing((RunSummary r) -> r.created() == null ? Instant.EPOCH : r.created())
                .thenComparing(RunSummary::name).reversed());
        return out;
    }

    /**
     * A new, unused folder for a run: {@code <method>-<yyyyMMdd-HHmmss>} (UTC), with {@code -2}, {@code -3} … added
     * when that exists.
     */
    public static Path newRunFolder(Path runsFolder, String method, Instant now) {
        String base = method + "-" + NAME.format(now);
        Path p = runsFolder.resolve(base);
        for (int i = 2; Files.exists(p); i++) {
            p = runsFolder.resolve(base + "-" + i);
        }
        return p;
    }

    /**
     * The entries whose values are not all equal across the runs (a missing entry counts as ""), in the order of
     * the first run's entries: the "config diff" of a comparison.
     *
     * @return entry name → one value per run, in the runs' order
     */
    public static Map<String, List<String>> differences(List<RunSummary> runs) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<Map<String, String>> values = runs.stream().map(RunSummary::configValues).toList();
        List<String> keys = new ArrayList<>();
        values.forEach(v -> v.keySet().stream().filter(k -> !keys.contains(k)).forEach(keys::add));
        for (String k : keys) {
            List<String> row = values.stream().map(v -> v.getOrDefault(k, "")).toList();
            if (row.stream().anyMatch(x -> !Objects.equals(x, row.get(0)))) {
                out.put(k, row);
            }
        }
        return out;
    }
}
