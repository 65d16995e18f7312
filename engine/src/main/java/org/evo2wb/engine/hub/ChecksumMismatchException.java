package org.evo2wb.engine.hub;

import java.io.IOException;

/** A downloaded file's checksum differs from the one published for it; the bad data has been deleted. */
public final class ChecksumMismatchException extends IOException {

    public ChecksumMismatchException(String message) {
        super(message);
    }
}
