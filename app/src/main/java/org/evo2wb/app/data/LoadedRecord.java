package org.evo2wb.app.data;

import java.nio.file.Path;
import org.evo2wb.bio.RecordQc;
import org.evo2wb.bio.SequenceRecord;

/**
 * One record read from a file, with the figures every view and the {@code inspect} command show for it.
 *
 * @param file the file it came from
 * @param record the record as read
 * @param qc quality figures (length, GC, N, lowercase, IUPAC, feature counts)
 * @param gc GC content along the record, for the overview strip
 */
public record LoadedRecord(Path file, SequenceRecord record, RecordQc qc, GcProfile gc) {

    public String id() {
        return record.id();
    }

    public int featureCount() {
        return record.features().size();
    }

    /** GC as a percentage of A+C+G+T, NaN when the record has none. */
    public double gcPercent() {
        return 100.0 * qc.gcFraction();
    }

    public double nPercent() {
        return 100.0 * qc.nFraction();
    }

    public double lowercasePercent() {
        return 100.0 * qc.lowercaseFraction();
    }
}
