package org.evo2wb.engine.train.run;

import java.util.Locale;

/** What {@code status.json} says about a run. */
public enum RunState {
    RUNNING, FINISHED, FAILED, CANCELLED;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RunState byKey(String key) {
        return valueOf(key.toUpperCase(Locale.ROOT));
    }
}
