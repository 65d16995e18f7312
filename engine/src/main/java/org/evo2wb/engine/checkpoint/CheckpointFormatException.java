package org.evo2wb.engine.checkpoint;

import java.io.IOException;

/** A checkpoint file that cannot be read: the message names the file and the entry, key or field at fault. */
public class CheckpointFormatException extends IOException {

    public CheckpointFormatException(String message) {
        super(message);
    }

    public CheckpointFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
