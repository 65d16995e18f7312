package org.evo2wb.engine.train.settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One declared training setting: everything the form, the command line, validation and the run record need to know
 * about it, written once (in {@link FineTuneParameters}).
 *
 * <ul>
 *   <li>{@link #name()} is the command-line flag without dashes and the key in the run record
 *       ({@code learning-rate} → {@code --learning-rate});</li>
 *   <li>{@link #label()} and {@link #description()} are the form label and tooltip (also the CLI help);</li>
 *   <li>the default is a constant, a value <em>computed</em> from other settings ({@code min-learning-rate} =
 *       learning rate / 10), or <em>auto</em>: left open until the data are known and then resolved by
 *       {@link TrainingPlan} (warm-up = 3 % of the planned steps);</li>
 *   <li>{@link #min()}/{@link #max()} bound numbers, {@link #unit()} names their unit;</li>
 *   <li>{@link #level()} says whether a form shows it up front or under "Advanced";</li>
 *   <li>{@link #isRelevant(FineTuneSettings)} greys it out when it does not apply (LoRA rank in full fine-tuning).</li>
 * </ul>
 *
 * @param <T> value type
 */
public final class Hyperparameter<T> {

    /** Whether a form shows the setting at once or under "Advanced". */
    public enum Level { PRIMARY, ADVANCED }

    /** Sections of the form, in display order. */
    public enum Group {
        METHOD("Method"),
        DATA("Data"),
        OPTIMISER("Optimiser"),
        SCHEDULE("Learning-rate schedule"),
        LOSS("Loss"),
        STOPPING("Stopping and evaluation"),
        CHECKPOINTS("Checkpoints"),
        HARDWARE("Hardware and reproducibility");

        private final String title;

        Group(String title) {
            this.title = title;
        }

        public String title() {
            return title;
        }
    }

    private final String name;
    private final String label;
    private final String description;
    private final ValueType<T> type;
    private final Group group;
    private final Level level;
    private final String unit;
    private final Double min;
    private final boolean minInclusive;
    private final Double max;
    private final boolean maxInclusive;
    private final Function<FineTuneSettings, T> defaultValue;
    private final String defaultText;
    private final boolean computed;
    private final boolean auto;
    private final String relevanceText;
    private final Predicate<FineTuneSettings> relevant;
    private final Function<T, String> check;

    private Hyperparameter(Builder<T> b) {
        this.name = Objects.requireNonNull(b.name);
        this.label = Objects.requireNonNull(b.label, "label of " + b.name);
        this.description = Objects.requireNonNull(b.description, "description of " + b.name);
        this.type = b.type;
        this.group = Objects.requireNonNull(b.group, "group of " + b.name);
        this.level = b.level;
        this.unit = b.unit;
        this.min = b.min;
        this.minInclusive = b.minInclusive;
        this.max = b.max;
        this.maxInclusive = b.maxInclusive;
        this.defaultValue = Objects.requireNonNull(b.defaultValue, "default of " + b.name);
        this.defaultText = b.defaultText;
        this.computed = b.computed;
        this.auto = b.auto;
        this.relevanceText = b.relevanceText;
        this.relevant = b.relevant;
        this.check = b.check;
    }

    public static <T> Builder<T> declare(String name, ValueType<T> type) {
        return new Builder<>(name, type);
    }

    /** Command-line flag and run-record key, e.g. {@code learning-rate}. */
    public String name() {
        return name;
    }

    /** The flag with its dashes, e.g. {@code --learning-rate}. */
    public String flag() {
        return "--" + name;
    }

    public String label() {
        return label;
    }

    /** One or two sentences for a tooltip or the CLI help, without the default (see {@link #helpText()}). */
    public String description() {
        return description;
    }

    public ValueType<T> type() {
        return type;
    }

    public Group group() {
        return group;
    }

    public Level level() {
        return level;
    }

    /** Unit shown after the value ("steps", "tokens", "bases"), empty when unitless. */
    public String unit() {
        return unit;
    }

    /** Lower bound, or null. */
    public Double min() {
        return min;
    }

    public boolean minInclusive() {
        return minInclusive;
    }

    /** Upper bound, or null. */
    public Double max() {
        return max;
    }

    public boolean maxInclusive() {
        return maxInclusive;
    }

    /** Allowed words for a choice, empty otherwise. */
    public List<String> choices() {
        return type.choices();
    }

    /** True when the value may be left "auto", to be resolved from the data by {@link TrainingPlan}. */
    public boolean allowsAuto() {
        return auto;
    }

    /** The default as a user reads it: {@code 0.1}, {@code learning rate / 10}, {@code auto: 3 % of planned steps}. */
    public String defaultText() {
        return defaultText;
    }

    /** True when the default is derived from other settings ({@code learning rate / 10}). */
    public boolean hasComputedDefault() {
        return computed;
    }

    /** When the setting applies ("LoRA only"), or empty when it always applies. */
    public String relevanceText() {
        return relevanceText;
    }

    public boolean isRelevant(FineTuneSettings settings) {
        return relevant.test(settings);
    }

    /** The default given the other settings; null means "auto". */
    T defaultFor(FineTuneSettings settings) {
        return defaultValue.apply(settings);
    }

    /** The help line for a command line: description, default, range, unit, when it applies. */
    public String helpText() {
        StringBuilder b = new StringBuilder(description);
        b.append(" Default: ").append(defaultText).append('.');
        String range = rangeText();
        if (!range.isEmpty()) {
            b.append(" Range: ").append(range).append('.');
        }
        if (!choices().isEmpty()) {
            b.append(" One of: ").append(String.join(", ", choices())).append('.');
        }
        if (!relevanceText.isEmpty()) {
            b.append(" Applies to: ").append(relevanceText).append('.');
        }
        return b.toString();
    }

    /** Placeholder for the value on a command line: {@code <number>}, {@code <lora|full|filters>}, … */
    public String valueLabel() {
        return switch (type.kind()) {
            case INTEGER -> auto ? "<whole number|auto>" : "<whole number>";
            case DECIMAL -> "<number>";
            case BOOLEAN -> "<true|false>";
            case CHOICE -> "<" + String.join("|", choices()) + ">";
            case TEXT -> "<text>";
            case TEXT_LIST -> "<item,item,...>";
            case DURATION -> "<duration: 0|90s|45m|2h>";
        };
    }

    /** The range as a user reads it, e.g. {@code > 0 and ≤ 1 steps}; empty when unbounded. */
    public String rangeText() {
        List<String> parts = new ArrayList<>();
        if (min != null) {
            parts.add((minInclusive ? "≥ " : "> ") + boundText(min));
        }
        if (max != null) {
            parts.add((maxInclusive ? "≤ " : "< ") + boundText(max));
        }
        String r = String.join(" and ", parts);
        return r.isEmpty() || unit.isEmpty() ? r : r + " " + unit;
    }

    private String boundText(double v) {
        return type.kind() == ValueType.Kind.DECIMAL ? ValueType.DECIMAL.format(v) : String.valueOf((long) v);
    }

    /** Problems with one value on its own (bounds, declared check); empty when fine. */
    public List<String> problemsWith(T value) {
        List<String> out = new ArrayList<>();
        if (value instanceof Number n) {
            double v = n.doubleValue();
            if (min != null && (minInclusive ? v < min : v <= min) || max != null && (maxInclusive ? v > max : v >= max)) {
                out.add(type.format(value) + " is outside the allowed range (" + rangeText() + ")");
            }
        }
        if (value instanceof java.time.Duration d && d.isNegative()) {
            out.add("a duration cannot be negative");
        }
        String extra = check.apply(value);
        if (extra != null) {
            out.add(extra);
        }
        return out;
    }

    @Override
    public String toString() {
        return name;
    }

    /** Fluent declaration; {@link FineTuneParameters} is the only place that uses it. */
    public static final class Builder<T> {
        private final String name;
        private final ValueType<T> type;
        private String label;
        private String description;
        private Group group;
        private Level level = Level.ADVANCED;
        private String unit = "";
        private Double min;
        private boolean minInclusive = true;
        private Double max;
        private boolean maxInclusive = true;
        private Function<FineTuneSettings, T> defaultValue;
        private String defaultText;
        private boolean computed;
        private boolean auto;
        private String relevanceText = "";
        private Predicate<FineTuneSettings> relevant = s -> true;
        private Function<T, String> check = v -> null;

        private Builder(String name, ValueType<T> type) {
            if (!name.matches("[a-z][a-z0-9-]*")) {
                throw new IllegalArgumentException("setting names are lower-case words joined by '-': " + name);
            }
            this.name = name;
            this.type = type;
        }

        public Builder<T> label(String text) {
            this.label = text;
            return this;
        }

        public Builder<T> description(String text) {
            this.description = text;
            return this;
        }

        public Builder<T> group(Group g) {
            this.group = g;
            return this;
        }

        public Builder<T> primary() {
            this.level = Level.PRIMARY;
            return this;
        }

        public Builder<T> unit(String u) {
            this.unit = u;
            return this;
        }

        /** Inclusive bounds. */
        public Builder<T> range(double lo, double hi) {
            return atLeast(lo).atMost(hi);
        }

        public Builder<T> atLeast(double lo) {
            this.min = lo;
            this.minInclusive = true;
            return this;
        }

        public Builder<T> above(double lo) {
            this.min = lo;
            this.minInclusive = false;
            return this;
        }

        public Builder<T> atMost(double hi) {
            this.max = hi;
            this.maxInclusive = true;
            return this;
        }

        public Builder<T> below(double hi) {
            this.max = hi;
            this.maxInclusive = false;
            return this;
        }

        public Builder<T> defaultValue(T value) {
            this.defaultValue = s -> value;
            this.defaultText = type.format(value);
            return this;
        }

        /** A default derived from other settings; {@code text} says how, e.g. "2 × LoRA rank". */
        public Builder<T> computedDefault(String text, Function<FineTuneSettings, T> f) {
            this.defaultValue = f;
            this.defaultText = text;
            this.computed = true;
            return this;
        }

        /** The value may be "auto" (the default): {@link TrainingPlan} resolves it from the data; text says how. */
        public Builder<T> auto(String text) {
            this.defaultValue = s -> null;
            this.defaultText = "auto (" + text + ")";
            this.auto = true;
            return this;
        }

        public Builder<T> onlyWhen(String text, Predicate<FineTuneSettings> p) {
            this.relevanceText = text;
            this.relevant = p;
            return this;
        }

        /** An extra check of the value on its own; return a problem message or null. */
        public Builder<T> check(Function<T, String> f) {
            this.check = f;
            return this;
        }

        public Hyperparameter<T> build() {
            return new Hyperparameter<>(this);
        }
    }
}
