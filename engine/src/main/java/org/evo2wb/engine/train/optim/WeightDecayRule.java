package org.evo2wb.engine.train.optim;

import java.util.List;

/**
 * Which parameters get weight decay. Following NeMo/BioNeMo's {@code hyena_no_weight_decay_cond} (model spec
 * §3.10), decay is never applied to Hyena filter parameters (explicit taps {@code filter.h}, short filters, modal
 * poles and residues, the skip term {@code filter.D}, and Savanna's {@code p}/{@code R}/{@code gamma}), norm scales,
 * biases, or any tensor with fewer than two dimensions.
 */
public final class WeightDecayRule {

    private static final List<String> EXEMPT_PARTS = List.of(
            "filter.h", "filter.D", "log_poles", "residues", "short_filter_weight", "short_conv_weight",
            "filter.p", "filter.R", "filter.gamma");

    private WeightDecayRule() {
    }

    /** True when the parameter with this checkpoint name and number of dimensions is decayed. */
    public static boolean decays(String name, int dimensions) {
        if (dimensions < 2) {
            return false;
        }
        if (name.endsWith(".scale") || name.endsWith(".bias") || name.equals("bias") || name.equals("scale")) {
            return false;
        }
        for (String part : EXEMPT_PARTS) {
            if (name.contains(part)) {
                return false;
            }
        }
        return true;
    }
}
