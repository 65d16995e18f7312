package org.evo2wb.app.data;

import java.util.List;

/** What a load produced: the files read completely and those that failed, each in the order asked for. */
public record LoadResult(List<LoadedFile> files, List<LoadFailure> failures) {

    public LoadResult {
        files = List.copyOf(files);
        failures = List.copyOf(failures);
    }

    public List<LoadedRecord> records() {
        return files.stream().flatMap(f -> f.records().stream()).toList();
    }
}
