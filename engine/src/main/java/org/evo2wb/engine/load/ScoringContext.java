package org.evo2wb.engine.load;

import java.io.IOException;
import java.nio.file.Path;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.FineTuneRun;

/**
 * How many bases one forward pass of a model may see when it scores: its context. Scoring never goes beyond it by
 * default, because per-base values change when a model reads more than it was built or trained for.
 *
 * <ul>
 *   <li>a model file: its config's context ({@code max_seqlen});</li>
 *   <li>a fine-tuned model: the window it was trained with ({@code window-length} in its run record), when that is
 *       shorter than its config's context.</li>
 * </ul>
 * Consecutive windows of a longer sequence share {@link #defaultOverlap(int)} bases unless the user says otherwise.
 */
public final class ScoringContext {

    /** The most bases consecutive windows share by default. */
    public static final int MAX_DEFAULT_OVERLAP = 1024;

    private ScoringContext() {
    }

    /** The context of a model as named on the command line. */
    public static int of(ModelSpec.Resolved model) throws IOException {
        return model.runFolder() == null ? model.contextLength() : ofRun(model.runFolder(), model.config());
    }

    /** The context of a fine-tuned model: its training window, at most its config's context. */
    public static int ofRun(Path runFolder, Evo2Config config) throws IOException {
        int window = FineTuneRun.readSettings(runFolder).get(FineTuneParameters.WINDOW_LENGTH);
        return Math.min(window, config.maxSeqlen());
    }

    /**
     * Bases shared by consecutive windows of {@code chunk} bases when the user names none: a quarter of the window,
     * at most {@value #MAX_DEFAULT_OVERLAP}, at least 1 (so any window of 2 bases or more works).
     */
    public static int defaultOverlap(int chunk) {
        return Math.max(1, Math.min(MAX_DEFAULT_OVERLAP, chunk / 4));
    }

    /** A warning when {@code chunk} is beyond {@code context}, else null. */
    public static String beyondContextWarning(String modelName, int chunk, int context) {
        if (chunk <= context) {
            return null;
        }
        return String.format(java.util.Locale.ROOT, "%s was built or trained for %,d bases of context; scoring "
                + "with windows of %,d bases goes beyond it, so per-base values may differ from those within its "
                + "context", modelName, context, chunk);
    }
}
