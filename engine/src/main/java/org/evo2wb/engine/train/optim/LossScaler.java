package org.evo2wb.engine.train.optim;

import com.google.gson.JsonObject;

/**
 * Dynamic loss scaling for fp16-mixed training: the loss is multiplied by a scale S before backward, so gradients
 * too small for fp16 (below about 6·10⁻⁸) survive the fp16 matrix products; the optimiser divides by S again.
 *
 * <pre>
 *   start           S = 2^16
 *   a step's gradients not finite  →  skip the update, S ← S / 2, good ← 0
 *   otherwise       update with gradients / S, good ← good + 1; after 2000 good steps S ← 2·S, good ← 0
 * </pre>
 * as PyTorch's {@code GradScaler} defaults. A scale below 1 means the gradients overflow without any scaling: the run
 * stops ({@link #exhausted()}). Off (fp32, TF32) the scale is 1 and a non-finite gradient stops the run as before.
 */
public final class LossScaler {

    static final double INITIAL = 65536;
    static final int GROWTH_INTERVAL = 2000;

    private final boolean enabled;
    private double scale;
    private int goodSteps;
    private long skipped;

    private LossScaler(boolean enabled, double scale) {
        this.enabled = enabled;
        this.scale = scale;
    }

    /** Scaling for fp16-mixed runs (precision word {@code fp16}), none otherwise. */
    public static LossScaler forPrecision(String precision) {
        return precision.equals("fp16") ? new LossScaler(true, INITIAL) : new LossScaler(false, 1);
    }

    public boolean enabled() {
        return enabled;
    }

    /** The factor the loss is multiplied by before backward (1 when off). */
    public double scale() {
        return scale;
    }

    /**
     * Records a step's outcome and says whether to apply the update.
     *
     * @param finite whether every gradient of the step is finite
     * @return true to update; false to skip the step (only when on)
     */
    public boolean update(boolean finite) {
        if (!enabled) {
            return finite;
        }
        if (!finite) {
            scale /= 2;
            goodSteps = 0;
            skipped++;
            return false;
        }
        if (++goodSteps == GROWTH_INTERVAL) {
            scale *= 2;
            goodSteps = 0;
        }
        return true;
    }

    /** The scale has fallen below 1: the gradients are not finite even unscaled. */
    public boolean exhausted() {
        return enabled && scale < 1;
    }

    /** Steps skipped so far in this session. */
    long skipped() {
        return skipped;
    }

    int goodSteps() {
        return goodSteps;
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("scale", scale);
        o.addProperty("good-steps", goodSteps);
        return o;
    }

    /** Continues a saved state (a run resumed); a state saved without scaling leaves this one as it is. */
    public void restore(JsonObject o) {
        if (enabled && o != null) {
            scale = o.get("scale").getAsDouble();
            goodSteps = o.get("good-steps").getAsInt();
        }
    }
}
