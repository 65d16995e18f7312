package org.evo2wb.app.ui.finetune;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.FineTuneSettings;
import org.evo2wb.engine.train.settings.Hyperparameter;
import org.evo2wb.engine.train.settings.Preset;
import org.evo2wb.engine.train.settings.SettingsProblem;

/**
 * Keeps the form's {@link FieldState}s and the engine's settings in step. A field the user has not touched shows the
 * value in effect (the preset's, or the default the other settings give: LoRA alpha follows the rank) and keeps
 * following it; typing makes it the user's value; clearing it goes back to the default. Every change re-validates
 * all settings with the engine's rules and puts each problem next to every field it concerns.
 */
final class SettingsEditor {

    private final FineTuneViewModel model;
    private final Runnable onChange;
    private boolean updating;
    /** Fields the user has just emptied: they follow the default but stay empty until left or reset. */
    private final java.util.Set<String> emptied = new java.util.HashSet<>();
    private FineTuneSettings current = FineTuneSettings.defaults();
    private FineTuneSettings valid = current;

    /** @param onChange called after every re-validation (on the FX thread) */
    SettingsEditor(FineTuneViewModel model, Runnable onChange) {
        this.model = model;
        this.onChange = onChange;
        for (FieldState f : model.fields().values()) {
            f.textProperty().addListener((obs, old, text) -> {
                if (!updating) {
                    boolean blank = text == null || text.isBlank();
                    f.userSetProperty().set(!blank);
                    if (blank) {
                        emptied.add(f.parameter().name());
                    } else {
                        emptied.remove(f.parameter().name());
                    }
                    revalidate();
                }
            });
        }
        model.presetProperty().addListener((obs, old, p) -> revalidate());
        revalidate();
    }

    /** Types a value into a field, as the user would ({@code ""} goes back to the default). */
    void type(String name, String text) {
        model.field(name).textProperty().set(text);
    }

    /** Puts a field back to its default. */
    void reset(String name) {
        FieldState f = model.field(name);
        f.userSetProperty().set(false);
        emptied.remove(name);
        revalidate();
    }

    /** Puts every field back to the preset's value or its default. */
    void resetAll() {
        model.fields().values().forEach(f -> f.userSetProperty().set(false));
        emptied.clear();
        revalidate();
    }

    /** Fills the form with recorded settings (a run's), every recorded user value as the user's. */
    void load(FineTuneSettings s) {
        emptied.clear();
        updating = true;
        try {
            model.presetProperty().set(s.preset());
            for (FieldState f : model.fields().values()) {
                boolean explicit = s.isExplicit(f.parameter());
                f.userSetProperty().set(explicit);
                if (explicit) {
                    f.textProperty().set(s.text(f.parameter()));
                }
            }
        } finally {
            updating = false;
        }
        revalidate();
    }

    /** The settings as they stand, possibly invalid (for relevance, estimates and previews). */
    FineTuneSettings current() {
        return current;
    }

    /** The last valid settings; null while there are problems. */
    FineTuneSettings valid() {
        return model.settingsValidProperty().get() ? valid : null;
    }

    /** Builds the settings from the form: the preset, then every field the user set. */
    private FineTuneSettings.Builder builder() {
        FineTuneSettings.Builder b = FineTuneSettings.builder(model.presetProperty().get());
        for (FieldState f : model.fields().values()) {
            if (f.userSetProperty().get()) {
                b.setText(f.parameter().name(), f.textProperty().get());
            }
        }
        return b;
    }

    void revalidate() {
        FineTuneSettings.Builder b = builder();
        List<SettingsProblem> problems = b.problems();
        current = b.current();
        Map<String, List<String>> byField = new LinkedHashMap<>();
        for (SettingsProblem p : problems) {
            for (String name : p.settings()) {
                byField.computeIfAbsent(name, k -> new ArrayList<>()).add(p.message());
            }
        }
        List<String> all = new ArrayList<>();
        updating = true;
        try {
            for (FieldState f : model.fields().values()) {
                Hyperparameter<?> p = f.parameter();
                List<String> mine = byField.getOrDefault(p.name(), List.of());
                f.errorProperty().set(String.join("\n", mine));
                f.relevantProperty().set(p.isRelevant(current));
                if (!f.userSetProperty().get() && !emptied.contains(p.name())) {
                    f.textProperty().set(current.text(p));
                }
            }
        } finally {
            updating = false;
        }
        for (SettingsProblem p : problems) {
            List<String> labels = p.settings().stream().map(n -> {
                try {
                    return FineTuneParameters.byName(n).label();
                } catch (IllegalArgumentException e) {
                    return n;
                }
            }).toList();
            all.add(String.join(", ", labels) + ": " + p.message());
        }
        model.problems().setAll(all);
        if (problems.isEmpty()) {
            valid = b.build();
        }
        model.settingsValidProperty().set(problems.isEmpty());
        onChange.run();
    }

    /** The preset chosen by key, or null for "none". */
    static Preset preset(String key) {
        return key == null || key.isEmpty() ? null : Preset.byKey(key);
    }
}
