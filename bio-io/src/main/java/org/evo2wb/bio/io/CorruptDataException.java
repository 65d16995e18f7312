package org.evo2wb.bio.io;

import java.io.IOException;

/** The compressed data of a file is damaged or ends early; the parser turns it into a format error with a line. */
public final class CorruptDataException extends IOException {
    public CorruptDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
