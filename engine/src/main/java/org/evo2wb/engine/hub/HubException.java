package org.evo2wb.engine.hub;

import java.io.IOException;

/**
 * The Hub answered, but not with the file: a missing repository or file (404), a refused token or a gated model
 * (401, 403), or a server error. The message says what happened and what to do.
 */
public class HubException extends IOException {

    private final int status;

    public HubException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status, or 0 when the answer was unusable rather than refused. */
    public int status() {
        return status;
    }

    /** Whether trying again later may help (server errors, rate limits); refusals and missing files do not. */
    public boolean transientFailure() {
        return status == 0 || status == 408 || status == 429 || status >= 500;
    }
}
