package org.evo2wb.engine.checkpoint;

import java.util.List;

/**
 * A checkpoint whose tensors do not fit the model: every missing, unexpected and mis-shaped key in one message.
 */
public class CheckpointMismatchException extends CheckpointFormatException {

    private final List<String> missing;
    private final List<String> unexpected;
    private final List<String> misshaped;

    public CheckpointMismatchException(String file, List<String> missing, List<String> unexpected,
                                       List<String> misshaped) {
        super(message(file, missing, unexpected, misshaped));
        this.missing = List.copyOf(missing);
        this.unexpected = List.copyOf(unexpected);
        this.misshaped = List.copyOf(misshaped);
    }

    /** Keys the model needs that the file lacks. */
    public List<String> missing() {
        return missing;
    }

    /** Keys in the file the model does not use (and that are not known to be ignorable). */
    public List<String> unexpected() {
        return unexpected;
    }

    /** {@code key: file shape [..], model expects [..]} lines. */
    public List<String> misshaped() {
        return misshaped;
    }

    private static String message(String file, List<String> missing, List<String> unexpected, List<String> misshaped) {
        StringBuilder sb = new StringBuilder(file).append(": checkpoint does not fit the model (")
                .append(missing.size()).append(" missing, ").append(unexpected.size()).append(" unexpected, ")
                .append(misshaped.size()).append(" with another shape)");
        section(sb, "missing", missing);
        section(sb, "unexpected", unexpected);
        section(sb, "shape differs", misshaped);
        return sb.toString();
    }

    private static void section(StringBuilder sb, String title, List<String> items) {
        int shown = 0;
        for (String s : items) {
            if (shown++ == 50) {
                sb.append("\n  ").append(title).append(": … and ").append(items.size() - 50).append(" more");
                break;
            }
            sb.append("\n  ").append(title).append(": ").append(s);
        }
    }
}
