package org.evo2wb.engine.train.settings;

import java.util.List;

/**
 * One thing wrong with a set of fine-tuning settings.
 *
 * @param settings names of the settings concerned (as on the command line, without dashes), for a form to highlight
 * @param message what is wrong, in words for the user
 */
public record SettingsProblem(List<String> settings, String message) {

    public SettingsProblem {
        settings = List.copyOf(settings);
    }

    /** "--learning-rate: 5 is outside the allowed range (> 0 and ≤ 1)". */
    @Override
    public String toString() {
        return String.join(", ", settings.stream().map(s -> "--" + s).toList()) + ": " + message;
    }
}
