package org.evo2wb.engine.train.settings;

import java.util.List;

/** Settings that cannot be used; lists every problem at once, one per line. */
public final class InvalidSettingsException extends IllegalArgumentException {

    private final transient List<SettingsProblem> problems;

    public InvalidSettingsException(String where, List<SettingsProblem> problems) {
        super(render(where, problems));
        this.problems = List.copyOf(problems);
    }

    public List<SettingsProblem> problems() {
        return problems;
    }

    private static String render(String where, List<SettingsProblem> problems) {
        StringBuilder b = new StringBuilder();
        b.append(problems.size() == 1 ? "1 problem" : problems.size() + " problems").append(" with the fine-tuning settings");
        if (where != null && !where.isEmpty()) {
            b.append(" in ").append(where);
        }
        b.append(':');
        for (SettingsProblem p : problems) {
            b.append("\n  ").append(p);
        }
        return b.toString();
    }
}
