package org.evo2wb.engine.checkpoint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares a checkpoint's tensors with the keys and shapes a model expects. Keys known to be in released Evo 2 files
 * but unused by the forward pass (spec §4.3) are skipped on purpose:
 * <ul>
 *   <li>{@code unembed.weight}, the duplicate of the tied embedding (unless the model asks for it);</li>
 *   <li>{@code *._extra_state}, Transformer-Engine FP8 metadata (e.g. {@code blocks.3.mixer.dense._extra_state},
 *       {@code blocks.i.mlp.l1._extra_state}, {@code inner_mha_cls.Wqkv._extra_state} in the 40B);</li>
 *   <li>{@code *.filter.t}, Savanna's cached time vector of the hcl filters (7B,
 *       {@code blocks.i.mixer.mixer.filter.t}).</li>
 * </ul>
 */
public final class CheckpointKeys {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointKeys.class);

    private static final List<Pattern> IGNORABLE = List.of(
            Pattern.compile("unembed\\.weight"),
            Pattern.compile(".*\\._extra_state"),
            Pattern.compile(".*(^|\\.)filter\\.t"));

    private CheckpointKeys() {}

    /** True for keys released checkpoints carry that no Evo 2 forward pass reads. */
    public static boolean isIgnorable(String key) {
        for (Pattern p : IGNORABLE) {
            if (p.matcher(key).matches()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Checks {@code found} (the file's keys and shapes) against {@code expected} (the model's) and throws one
     * exception listing every problem, or returns the ignorable keys that were skipped.
     *
     * @param file name of the checkpoint for the message
     */
    public static List<String> check(String file, Map<String, long[]> expected, Map<String, long[]> found)
            throws CheckpointMismatchException {
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> misshaped = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            long[] got = found.get(e.getKey());
            if (got == null) {
                missing.add(e.getKey() + " " + Arrays.toString(e.getValue()));
            } else if (!Arrays.equals(got, e.getValue())) {
                misshaped.add(e.getKey() + ": file has " + Arrays.toString(got) + ", model expects "
                        + Arrays.toString(e.getValue()));
            }
        }
        for (Map.Entry<String, long[]> e : found.entrySet()) {
            if (expected.containsKey(e.getKey())) {
                continue;
            }
            if (isIgnorable(e.getKey())) {
                skipped.add(e.getKey());
                LOG.debug("{}: ignoring '{}' (not used by the Evo 2 forward pass)", file, e.getKey());
            } else {
                unexpected.add(e.getKey() + " " + Arrays.toString(e.getValue()));
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty() || !misshaped.isEmpty()) {
            throw new CheckpointMismatchException(file, missing, unexpected, misshaped);
        }
        return skipped;
    }

    /** {@link #check(String, Map, Map)} against an open checkpoint. */
    public static List<String> check(CheckpointFile file, Map<String, long[]> expected)
            throws CheckpointMismatchException {
        return check(file.name(), expected, file.shapes());
    }
}
