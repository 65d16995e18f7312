package org.evo2wb.app.data;

import java.nio.file.Path;
import java.util.List;

/** The records of one file that was read completely. */
public record LoadedFile(Path file, List<LoadedRecord> records) {

    public LoadedFile {
        records = List.copyOf(records);
    }

    public long totalLength() {
        return records.stream().mapToLong(r -> r.record().length()).sum();
    }

    public long totalFeatures() {
        return records.stream().mapToLong(LoadedRecord::featureCount).sum();
    }
}
