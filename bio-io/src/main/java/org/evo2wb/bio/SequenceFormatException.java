package org.evo2wb.bio;

import java.nio.file.Path;

/**
 * A sequence file could not be read. The message always names the file and, where known, the record and the 1-based
 * line, so a user can find the problem without a stack trace.
 */
public class SequenceFormatException extends Exception {

    private final Path file;
    private final String record;
    private final long line;

    public SequenceFormatException(Path file, String record, long line, String problem) {
        this(file, record, line, problem, null);
    }

    public SequenceFormatException(Path file, String record, long line, String problem, Throwable cause) {
        super(format(file, record, line, problem), cause);
        this.file = file;
        this.record = record;
        this.line = line;
    }

    private static String format(Path file, String record, long line, String problem) {
        StringBuilder sb = new StringBuilder();
        sb.append(file == null ? "<input>" : file.getFileName().toString());
        if (line > 0) {
            sb.append(", line ").append(line);
        }
        if (record != null) {
            sb.append(", record ").append(record);
        }
        return sb.append(": ").append(problem).toString();
    }

    public Path file() {
        return file;
    }

    /** Record id, or {@code null} when the problem is not inside a record. */
    public String record() {
        return record;
    }

    /** 1-based line, or 0 when unknown. */
    public long line() {
        return line;
    }
}
