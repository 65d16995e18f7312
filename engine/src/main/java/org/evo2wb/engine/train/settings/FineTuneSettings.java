package org.evo2wb.engine.train.settings;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable, validated set of fine-tuning settings: for each {@link Hyperparameter} of
 * {@link FineTuneParameters#ALL}, a value set by the user, else by the preset, else the declared (possibly computed)
 * default. "Auto" settings read as {@code null} until {@link TrainingPlan} resolves them from the data.
 *
 * <p>Build with {@link #builder(Preset)}; {@link Builder#build()} reports every problem at once
 * ({@link InvalidSettingsException}), while {@link Builder#problems()} lets a form show them as the user types.
 */
public final class FineTuneSettings {

    /** Where a value came from, for the run record and for a form to mark changed fields. */
    public enum Source { USER, PRESET, DEFAULT }

    private final Preset preset;
    private final Map<Hyperparameter<?>, Object> user;

    private FineTuneSettings(Preset preset, Map<Hyperparameter<?>, Object> user) {
        this.preset = preset;
        this.user = Collections.unmodifiableMap(new LinkedHashMap<>(user));
    }

    /** All defaults (no preset); throws if the defaults themselves were inconsistent. */
    public static FineTuneSettings defaults() {
        return builder(null).build();
    }

    public static Builder builder(Preset preset) {
        return new Builder(preset);
    }

    public Builder toBuilder() {
        Builder b = new Builder(preset);
        b.user.putAll(user);
        return b;
    }

    /** The value in effect; null only for an "auto" setting left open. */
    @SuppressWarnings("unchecked")
    public <T> T get(Hyperparameter<T> p) {
        if (user.containsKey(p)) {
            return (T) user.get(p);
        }
        if (preset != null && preset.settings().containsKey(p)) {
            return (T) preset.settings().get(p);
        }
        return p.defaultFor(this);
    }

    public boolean isExplicit(Hyperparameter<?> p) {
        return user.containsKey(p);
    }

    public Source source(Hyperparameter<?> p) {
        if (user.containsKey(p)) {
            return Source.USER;
        }
        return preset != null && preset.settings().containsKey(p) ? Source.PRESET : Source.DEFAULT;
    }

    /** The preset these settings start from, or null. */
    public Preset preset() {
        return preset;
    }

    /** The value as text ("auto" for an open auto setting), as a form field or a command line would show it. */
    public String text(Hyperparameter<?> p) {
        Object v = get(p);
        return v == null ? "auto" : p.type().formatObject(v);
    }

    /**
     * The run record's view: {@code {"preset": "quick-lora", "values": {name: text, ...}, "set-by-user": [...]}}.
     * Every declared setting is written with its resolved value, so reading it back gives the same settings even
     * if a later version changes a default.
     */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("preset", preset == null ? null : preset.key());
        JsonObject values = new JsonObject();
        JsonArray byUser = new JsonArray();
        for (Hyperparameter<?> p : FineTuneParameters.ALL) {
            values.addProperty(p.name(), text(p));
            if (isExplicit(p)) {
                byUser.add(p.name());
            }
        }
        o.add("values", values);
        o.add("set-by-user", byUser);
        return o;
    }

    /** Reads {@link #toJson()}; {@code where} (a file name) goes into every error message. */
    public static FineTuneSettings fromJson(JsonObject o, String where) {
        JsonElement presetKey = o.get("preset");
        Preset preset = presetKey == null || presetKey.isJsonNull() ? null : Preset.byKey(presetKey.getAsString());
        Builder b = builder(preset);
        JsonObject values = o.getAsJsonObject("values");
        if (values == null) {
            throw new IllegalArgumentException(where + ": no \"values\" object with the settings");
        }
        // A recorded value the user did not set, and that is still what the preset or default gives, stays unset:
        // rules that apply only to settings the user chose (keep-best without validation records) must not fire
        // when a run is read back. A default that has changed since keeps the recorded value, set explicitly.
        JsonArray byUserJson = o.getAsJsonArray("set-by-user");
        java.util.Set<String> byUser = new java.util.HashSet<>();
        if (byUserJson != null) {
            byUserJson.forEach(x -> byUser.add(x.getAsString()));
        }
        Builder chosen = builder(preset);
        for (Map.Entry<String, JsonElement> e : values.entrySet()) {
            if (byUser.contains(e.getKey())) {
                chosen.setText(e.getKey(), e.getValue().isJsonNull() ? "auto" : e.getValue().getAsString());
            }
        }
        FineTuneSettings untouched = chosen.current(); // computed defaults follow the user's own settings
        for (Map.Entry<String, JsonElement> e : values.entrySet()) {
            String text = e.getValue().isJsonNull() ? "auto" : e.getValue().getAsString();
            if (byUserJson != null && !byUser.contains(e.getKey()) && isDefault(untouched, e.getKey(), text)) {
                continue;
            }
            b.setText(e.getKey(), text);
        }
        return b.build(where);
    }

    /** True when {@code name} is a known setting whose value in {@code s} reads as {@code text}. */
    private static boolean isDefault(FineTuneSettings s, String name, String text) {
        try {
            return s.text(FineTuneParameters.byName(name)).equals(text);
        } catch (IllegalArgumentException e) {
            return false; // an unknown name: setText reports it
        }
    }

    /**
     * The command-line arguments that give these settings: {@code --preset KEY} when a preset is used, then
     * {@code --name value} for every setting the user set, in declaration order ({@code --warmup-steps auto} for an
     * auto setting set back to auto). {@code evo2wb finetune} with these arguments builds equal settings.
     */
    public List<String> arguments() {
        List<String> out = new ArrayList<>();
        if (preset != null) {
            out.add("--preset");
            out.add(preset.key());
        }
        for (Hyperparameter<?> p : FineTuneParameters.ALL) {
            if (isExplicit(p)) {
                out.add(p.flag());
                out.add(text(p));
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof FineTuneSettings other)) {
            return false;
        }
        for (Hyperparameter<?> p : FineTuneParameters.ALL) {
            if (!Objects.equals(get(p), other.get(p))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        List<Object> values = new ArrayList<>();
        for (Hyperparameter<?> p : FineTuneParameters.ALL) {
            values.add(get(p));
        }
        return values.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (Hyperparameter<?> p : FineTuneParameters.ALL) {
            b.append(p.flag()).append(' ').append(text(p)).append(' ');
        }
        return b.toString().trim();
    }

    /** Collects values from code, a form or command-line text, then validates all of them together. */
    public static final class Builder {
        private final Preset preset;
        private final Map<Hyperparameter<?>, Object> user = new LinkedHashMap<>();
        private final List<SettingsProblem> parseProblems = new ArrayList<>();

        private Builder(Preset preset) {
            this.preset = preset;
        }

        /** Sets a value; null means "back to the preset or default" (and "auto" for auto settings). */
        public <T> Builder set(Hyperparameter<T> p, T value) {
            if (value == null) {
                if (p.allowsAuto()) {
                    user.put(p, null);
                } else {
                    user.remove(p);
                }
            } else {
                user.put(p, p.type().cast(value));
            }
            return this;
        }

        /** Parses text as typed on a command line or in a form field; problems are kept for {@link #build()}. */
        public Builder setText(String name, String text) {
            Hyperparameter<?> p;
            try {
                p = FineTuneParameters.byName(name);
            } catch (IllegalArgumentException e) {
                parseProblems.add(new SettingsProblem(List.of(name), e.getMessage()));
                return this;
            }
            parseInto(p, text);
            return this;
        }

        private <T> void parseInto(Hyperparameter<T> p, String text) {
            parseProblems.removeIf(x -> x.settings().equals(List.of(p.name())));
            if (p.allowsAuto() && text != null && text.trim().equalsIgnoreCase("auto")) {
                user.put(p, null);
                return;
            }
            try {
                user.put(p, p.type().parse(text));
            } catch (IllegalArgumentException e) {
                user.remove(p);
                parseProblems.add(new SettingsProblem(List.of(p.name()), e.getMessage()));
            }
        }

        /** Every problem with the values so far (text that did not parse, bounds, rules between settings). */
        public List<SettingsProblem> problems() {
            FineTuneSettings s = new FineTuneSettings(preset, user);
            List<SettingsProblem> out = new ArrayList<>(parseProblems);
            for (Hyperparameter<?> p : FineTuneParameters.ALL) {
                if (out.stream().anyMatch(x -> x.settings().contains(p.name()))) {
                    continue;
                }
                List<SettingsProblem> own = problemsOf(s, p);
                if (!own.isEmpty() && p.hasComputedDefault() && !s.isExplicit(p) && !out.isEmpty()) {
                    continue;                            // a derived default follows a setting already reported
                }
                out.addAll(own);
            }
            // rules between settings, except those about a setting already reported on its own
            List<String> reported = out.stream().flatMap(x -> x.settings().stream()).toList();
            for (SettingsProblem x : FineTuneParameters.crossChecks(s)) {
                if (x.settings().stream().noneMatch(reported::contains)) {
                    out.add(x);
                }
            }
            return out;
        }

        private static <T> List<SettingsProblem> problemsOf(FineTuneSettings s, Hyperparameter<T> p) {
            T v = s.get(p);
            if (v == null) {
                return p.allowsAuto() ? List.of()
                        : List.of(new SettingsProblem(List.of(p.name()), "a value is required"));
            }
            return p.problemsWith(v).stream().map(m -> new SettingsProblem(List.of(p.name()), m)).toList();
        }

        /**
         * The settings as they stand, not validated: for a form that greys out settings and shows computed defaults
         * while the user is still typing. Text that did not parse counts as not set; values out of range are kept.
         */
        public FineTuneSettings current() {
            return new FineTuneSettings(preset, user);
        }

        public FineTuneSettings build() {
            return build("");
        }

        /** Validates and builds; {@code where} (e.g. a file name) prefixes the error message. */
        public FineTuneSettings build(String where) {
            List<SettingsProblem> problems = problems();
            if (!problems.isEmpty()) {
                throw new InvalidSettingsException(where, problems);
            }
            return new FineTuneSettings(preset, user);
        }
    }
}
