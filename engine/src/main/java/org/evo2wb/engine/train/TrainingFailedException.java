package org.evo2wb.engine.train;

/** A run that had to stop; the message says why and what to change, and names the last good checkpoint. */
public final class TrainingFailedException extends RuntimeException {

    /** What kind of trouble it was. */
    public enum Kind {
        /** Loss or gradients became NaN or infinite. */
        NON_FINITE,
        /** The device or the Java heap ran out of memory. */
        OUT_OF_MEMORY,
        /** The run folder cannot be written or the disk is (or would be) full. */
        DISK,
        /** The data cannot be used as set up (short records refused, nothing to train on). */
        DATA,
        /** The first two batches could not be trained at all. */
        SETTINGS_CHECK,
        /** The run folder or model does not match what is being resumed. */
        RESUME
    }

    private final Kind kind;

    public TrainingFailedException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public TrainingFailedException(Kind kind, String message) {
        this(kind, message, null);
    }

    public Kind kind() {
        return kind;
    }
}
