package org.evo2wb.engine.fuzz;

/**
 * Something a reader did wrong with one input.
 *
 * @param kind what went wrong
 * @param target the reader
 * @param execution the execution number (with the seed of the run, it reproduces the input)
 * @param detail the exception (class and message) or the measurement
 * @param where the first stack frame in the project's code, or "" when none
 * @param input where the input was kept, or null
 */
public record Finding(Kind kind, String target, long execution, String detail, String where, java.nio.file.Path input) {

    /** What went wrong. */
    public enum Kind {
        /** An exception other than the reader's refusal, or an error. */
        UNEXPECTED_EXCEPTION,
        /** The refusal's message does not name the file. */
        MESSAGE_WITHOUT_FILE,
        /** The read ran past the time bound. */
        HANG,
        /** The read allocated far more than the input's size. */
        LARGE_ALLOCATION
    }

    /** Findings with the same kind, reader and code location are one problem. */
    public String signature() {
        String exception = detail.contains(":") ? detail.substring(0, detail.indexOf(':')) : detail;
        return kind + " " + target + " " + (kind == Kind.UNEXPECTED_EXCEPTION ? exception + " " : "") + where;
    }

    @Override
    public String toString() {
        return kind + " in " + target + " (execution " + execution + (where.isEmpty() ? "" : ", at " + where) + "): "
                + detail + (input == null ? "" : " [input kept as " + input + "]");
    }
}
