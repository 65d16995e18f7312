package org.evo2wb.app.data;

import java.nio.file.Path;

/**
 * A file that could not be read.
 *
 * @param file the file
 * @param message one line for a user, naming the file and, where known, the record and line
 * @param record the record id where the problem is, or {@code null}
 * @param line the 1-based line of the problem, or 0 when unknown
 */
public record LoadFailure(Path file, String message, String record, long line) {}
