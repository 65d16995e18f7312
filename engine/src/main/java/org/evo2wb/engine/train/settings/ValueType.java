package org.evo2wb.engine.train.settings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the value of a {@link Hyperparameter} is typed, parsed from text (CLI, form fields) and written back as text
 * (help, run record). A value written by {@link #format} parses back to an equal value.
 *
 * @param <T> the Java type of the value
 */
public final class ValueType<T> {

    /** What kind of input a form or a command line should offer. */
    public enum Kind {
        /** Whole number. */
        INTEGER,
        /** Real number, shown in plain or scientific notation. */
        DECIMAL,
        /** On/off. */
        BOOLEAN,
        /** One of a fixed list of choices (see {@link Hyperparameter#choices()}). */
        CHOICE,
        /** Free text, validated by the declaration. */
        TEXT,
        /** Comma-separated list of text items. */
        TEXT_LIST,
        /** A duration such as {@code 90s}, {@code 45m}, {@code 2h}, {@code 1h30m}; {@code 0} means no limit. */
        DURATION
    }

    private final Kind kind;
    private final Class<T> javaType;
    private final Function<String, T> parser;
    private final Function<T, String> formatter;
    private final List<String> choices;

    private ValueType(Kind kind, Class<T> javaType, Function<String, T> parser, Function<T, String> formatter,
                      List<String> choices) {
        this.kind = kind;
        this.javaType = javaType;
        this.parser = parser;
        this.formatter = formatter;
        this.choices = List.copyOf(choices);
    }

    public static final ValueType<Integer> INTEGER = new ValueType<>(Kind.INTEGER, Integer.class,
            s -> Integer.valueOf(s.replace("_", "")), String::valueOf, List.of());

    public static final ValueType<Long> LONG = new ValueType<>(Kind.INTEGER, Long.class,
            s -> Long.valueOf(s.replace("_", "")), String::valueOf, List.of());

    public static final ValueType<Double> DECIMAL = new ValueType<>(Kind.DECIMAL, Double.class,
            ValueType::parseDecimal, ValueType::formatDecimal, List.of());

    public static final ValueType<Boolean> BOOLEAN = new ValueType<>(Kind.BOOLEAN, Boolean.class,
            ValueType::parseBoolean, String::valueOf, List.of());

    public static final ValueType<String> TEXT = new ValueType<>(Kind.TEXT, String.class,
            String::trim, s -> s, List.of());

    @SuppressWarnings("unchecked")
    public static final ValueType<List<String>> TEXT_LIST = new ValueType<>(Kind.TEXT_LIST,
            (Class<List<String>>) (Class<?>) List.class, ValueType::parseList, l -> String.join(",", l), List.of());

    public static final ValueType<Duration> DURATION = new ValueType<>(Kind.DURATION, Duration.class,
            ValueType::parseDuration, ValueType::formatDuration, List.of());

    /** A choice among the constants of an enum, written by their {@link Choice#key()}. */
    public static <E extends Enum<E> & Choice> ValueType<E> choice(Class<E> type) {
        List<String> keys = Arrays.stream(type.getEnumConstants()).map(Choice::key).toList();
        return new ValueType<>(Kind.CHOICE, type, s -> {
            for (E e : type.getEnumConstants()) {
                if (e.key().equalsIgnoreCase(s.trim())) {
                    return e;
                }
            }
            throw new IllegalArgumentException("'" + s + "' is not one of " + String.join(", ", keys));
        }, Choice::key, keys);
    }

    /**
     * A choice among the constants of an enum declared elsewhere (model precision, reverse-complement mode), written
     * as their lower-case names with '-' for '_' ({@code FP32} → {@code fp32}).
     */
    public static <E extends Enum<E>> ValueType<E> enumChoice(Class<E> type) {
        List<String> keys = Arrays.stream(type.getEnumConstants()).map(ValueType::enumKey).toList();
        return new ValueType<>(Kind.CHOICE, type, s -> {
            for (E e : type.getEnumConstants()) {
                if (enumKey(e).equalsIgnoreCase(s.trim())) {
                    return e;
                }
            }
            throw new IllegalArgumentException("'" + s + "' is not one of " + String.join(", ", keys));
        }, ValueType::enumKey, keys);
    }

    private static String enumKey(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** An enum constant that can be chosen in a form or on the command line. */
    public interface Choice {
        /** The word used on the command line and in the run record, e.g. {@code lora}. */
        String key();

        /** The words shown in a form, e.g. {@code LoRA adapter}. */
        String label();
    }

    /** Parses text; throws {@link IllegalArgumentException} with a message fit for a user. */
    public T parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no value given");
        }
        try {
            return parser.apply(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a " + (kind == Kind.INTEGER ? "whole number" : "number"));
        }
    }

    public String format(T value) {
        return formatter.apply(value);
    }

    @SuppressWarnings("unchecked")
    String formatObject(Object value) {
        return formatter.apply((T) value);
    }

    public Kind kind() {
        return kind;
    }

    public Class<T> javaType() {
        return javaType;
    }

    /** The allowed words for {@link Kind#CHOICE}, empty otherwise. */
    public List<String> choices() {
        return choices;
    }

    T cast(Object value) {
        if (!javaType.isInstance(value)) {
            throw new IllegalArgumentException("expected " + javaType.getSimpleName() + ", got "
                    + (value == null ? "nothing" : value.getClass().getSimpleName()));
        }
        return javaType.cast(value);
    }

    private static Double parseDecimal(String s) {
        double d = Double.parseDouble(s.replace("_", ""));
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("'" + s + "' is not a finite number");
        }
        return d;
    }

    /** The shortest text that parses back to exactly {@code d}: {@code 0.95}, {@code 2e-4}, {@code 1e-8}. */
    private static String formatDecimal(Double d) {
        String s = Double.toString(d);          // shortest round-trip digits, e.g. 2.0E-4, 0.95, 1.0
        int e = s.indexOf('E');
        String mantissa = e < 0 ? s : s.substring(0, e);
        if (mantissa.endsWith(".0")) {
            mantissa = mantissa.substring(0, mantissa.length() - 2);
        }
        return e < 0 ? mantissa : mantissa + "e" + s.substring(e + 1);
    }

    private static Boolean parseBoolean(String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1":
                return true;
            case "false", "no", "off", "0":
                return false;
            default:
                throw new IllegalArgumentException("'" + s + "' is not true/false");
        }
    }

    private static List<String> parseList(String s) {
        List<String> out = new ArrayList<>();
        for (String part : s.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return List.copyOf(out);
    }

    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(d|h|m|min|s)");

    /** {@code 0}, {@code 90s}, {@code 45m}, {@code 2h}, {@code 1h30m}, {@code 1.5h}, {@code 2d}. */
    static Duration parseDuration(String s) {
        String t = s.toLowerCase(Locale.ROOT).replace(" ", "");
        if (t.equals("0") || t.equals("none") || t.equals("unlimited")) {
            return Duration.ZERO;
        }
        Matcher m = DURATION_PART.matcher(t);
        int pos = 0;
        double seconds = 0;
        while (m.find() && m.start() == pos) {
            double v = Double.parseDouble(m.group(1));
            seconds += v * switch (m.group(2)) {
                case "d" -> 86400;
                case "h" -> 3600;
                case "m", "min" -> 60;
                default -> 1;
            };
            pos = m.end();
        }
        if (pos != t.length() || pos == 0) {
            throw new IllegalArgumentException("'" + s + "' is not a duration such as 90s, 45m, 2h or 1h30m");
        }
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    static String formatDuration(Duration d) {
        if (d.isZero()) {
            return "0";
        }
        long s = d.toSeconds();
        if (d.toMillis() % 1000 != 0) {
            return formatDecimal(d.toMillis() / 1000.0) + "s";
        }
        StringBuilder b = new StringBuilder();
        if (s >= 3600) {
            b.append(s / 3600).append('h');
            s %= 3600;
        }
        if (s >= 60) {
            b.append(s / 60).append('m');
            s %= 60;
        }
        if (s > 0) {
            b.append(s).append('s');
        }
        return b.toString();
    }
}
