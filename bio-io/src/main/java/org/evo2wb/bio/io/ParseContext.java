package org.evo2wb.bio.io;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import org.evo2wb.bio.ReadProgress;
import org.evo2wb.bio.SequenceFormatException;
import org.evo2wb.bio.SequenceRecord;

/**
 * State shared by the parsers while one file is read: where we are (record, line) for error messages, progress and
 * cancellation, the record sink and running counts.
 */
public final class ParseContext {

    private static final long REPORT_EVERY_BYTES = 256 * 1024;

    private final Path file;
    private final String fileName;
    private final RawInput raw;
    private final long totalBytes;
    private final ReadProgress progress;
    private final Consumer<SequenceRecord> sink;
    private final Map<String, Long> firstLineById = new HashMap<>();
    private int records;
    private long bases;
    private int warnings;
    private long lastReported;
    private String currentRecord;
    private LineReader reader;

    public ParseContext(Path file, RawInput raw, long totalBytes, ReadProgress progress,
            Consumer<SequenceRecord> sink) {
        this.file = file;
        this.fileName = file.getFileName().toString();
        this.raw = raw;
        this.totalBytes = totalBytes;
        this.progress = progress;
        this.sink = sink;
    }

    void attach(LineReader reader) {
        this.reader = reader;
    }

    /** Called on every buffer refill: polls cancellation and reports progress every 256 KiB of the file. */
    public void onRefill() {
        if (progress.isCancelled()) {
            throw new CancellationException("reading " + fileName + " was cancelled");
        }
        long read = raw.count();
        if (read - lastReported >= REPORT_EVERY_BYTES) {
            lastReported = read;
            progress.update(read, totalBytes, records);
        }
    }

    /** Final progress report: all bytes read. */
    public void reportDone() {
        progress.update(raw.count(), totalBytes, records);
    }

    public void emit(SequenceRecord record) {
        records++;
        bases += record.length();
        warnings += record.warnings().size();
        currentRecord = null;
        sink.accept(record);
    }

    /**
     * A warning when {@code id} was already used by an earlier record of this file, else {@code null}.
     *
     * @param line first line of the record that has this id
     */
    public String duplicateIdWarning(String id, long line) {
        Long first = firstLineById.putIfAbsent(id, line);
        return first == null ? null : "identifier " + id + " is also used by the record at " + source(first)
                + " (both records are kept)";
    }

    public SequenceFormatException error(long line, String problem) {
        return new SequenceFormatException(file, currentRecord, line, problem);
    }

    public SequenceFormatException error(long line, String problem, Throwable cause) {
        return new SequenceFormatException(file, currentRecord, line, problem, cause);
    }

    /** The record now being read (named in errors), or {@code null} between records. */
    public void currentRecord(String id) {
        this.currentRecord = id;
    }

    public String currentRecord() {
        return currentRecord;
    }

    /** Line the reader is on (0 before the first line). */
    public long line() {
        return reader == null ? 0 : reader.line();
    }

    /** {@code file.gb:120} */
    public String source(long line) {
        return fileName + ":" + line;
    }

    public Path file() {
        return file;
    }

    public int records() {
        return records;
    }

    public long bases() {
        return bases;
    }

    public int warnings() {
        return warnings;
    }
}
