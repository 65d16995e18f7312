package org.evo2wb.engine.bionemo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.train.settings.FineTuneMethod;
import org.evo2wb.engine.train.settings.FineTuneSettings;
import org.evo2wb.engine.train.settings.Hyperparameter;
import org.evo2wb.engine.train.TrainingPlan;

import static org.evo2wb.engine.train.settings.FineTuneParameters.ACTIVATION_CHECKPOINTING;
import static org.evo2wb.engine.train.settings.FineTuneParameters.BATCH_SIZE;
import static org.evo2wb.engine.train.settings.FineTuneParameters.BETA1;
import static org.evo2wb.engine.train.settings.FineTuneParameters.BETA2;
import static org.evo2wb.engine.train.settings.FineTuneParameters.CHECKPOINT_EVERY;
import static org.evo2wb.engine.train.settings.FineTuneParameters.CLIP_NORM;
import static org.evo2wb.engine.train.settings.FineTuneParameters.DEVICE;
import static org.evo2wb.engine.train.settings.FineTuneParameters.DEVICES;
import static org.evo2wb.engine.train.settings.FineTuneParameters.EPOCHS;
import static org.evo2wb.engine.train.settings.FineTuneParameters.EPSILON;
import static org.evo2wb.engine.train.settings.FineTuneParameters.EVAL_BATCHES;
import static org.evo2wb.engine.train.settings.FineTuneParameters.EVAL_EVERY;
import static org.evo2wb.engine.train.settings.FineTuneParameters.GRAD_ACCUMULATION;
import static org.evo2wb.engine.train.settings.FineTuneParameters.KEEP_BEST;
import static org.evo2wb.engine.train.settings.FineTuneParameters.KEEP_LAST;
import static org.evo2wb.engine.train.settings.FineTuneParameters.LEARNING_RATE;
import static org.evo2wb.engine.train.settings.FineTuneParameters.LORA_ALPHA;
import static org.evo2wb.engine.train.settings.FineTuneParameters.LORA_DROPOUT;
import static org.evo2wb.engine.train.settings.FineTuneParameters.LORA_RANK;
import static org.evo2wb.engine.train.settings.FineTuneParameters.LORA_TARGETS;
import static org.evo2wb.engine.train.settings.FineTuneParameters.LOWERCASE_WEIGHT;
import static org.evo2wb.engine.train.settings.FineTuneParameters.MASK_NON_ACGT;
import static org.evo2wb.engine.train.settings.FineTuneParameters.MAX_N_FRACTION;
import static org.evo2wb.engine.train.settings.FineTuneParameters.MAX_STEPS;
import static org.evo2wb.engine.train.settings.FineTuneParameters.MAX_TIME;
import static org.evo2wb.engine.train.settings.FineTuneParameters.METHOD;
import static org.evo2wb.engine.train.settings.FineTuneParameters.MIN_LEARNING_RATE;
import static org.evo2wb.engine.train.settings.FineTuneParameters.PATIENCE;
import static org.evo2wb.engine.train.settings.FineTuneParameters.PRECISION;
import static org.evo2wb.engine.train.settings.FineTuneParameters.REVERSE_COMPLEMENT;
import static org.evo2wb.engine.train.settings.FineTuneParameters.SEED;
import static org.evo2wb.engine.train.settings.FineTuneParameters.SHORT_SEQUENCES;
import static org.evo2wb.engine.train.settings.FineTuneParameters.STRIDE;
import static org.evo2wb.engine.train.settings.FineTuneParameters.UPPERCASE_INPUT;
import static org.evo2wb.engine.train.settings.FineTuneParameters.VALIDATION_FRACTION;
import static org.evo2wb.engine.train.settings.FineTuneParameters.WARMUP_STEPS;
import static org.evo2wb.engine.train.settings.FineTuneParameters.WEIGHT_DECAY;
import static org.evo2wb.engine.train.settings.FineTuneParameters.WINDOW_LENGTH;

/**
 * Our fine-tuning settings mapped one by one onto the BioNeMo recipe's {@code train_evo2} flags (recipe commit
 * {@link RecipeSource#COMMIT}). Every declared setting gets exactly one {@link Entry}: a flag, "applied in the
 * exported data" (the windows are already cut by it), or "no equivalent" with the reason. Values that depend on the
 * data (planned steps, warm-up, evaluation interval) come from the resolved {@link TrainingPlan}.
 *
 * <p>The batch flags are not fixed here: {@code --micro-batch-size} and {@code --global-batch-size} are written by the
 * launch script from parameters whose defaults are our batch size and batch size × gradient accumulation (the
 * effective batch of our optimiser step), so the step count and learning-rate curve stay ours on any number of GPUs.
 */
public final class SettingMapping {

    /** How a setting reaches the job. */
    public enum How {
        /** a {@code train_evo2} flag */
        FLAG,
        /** a launch-script parameter that becomes a flag ({@code --micro-batch-size}, {@code --global-batch-size}) */
        PARAMETER,
        /** the exported windows already carry it */
        DATA,
        /** the recipe has no equivalent: listed in the README */
        NONE,
        /** off, or not used by the method: nothing to carry over */
        UNUSED
    }

    /**
     * One setting's fate.
     *
     * @param setting our setting's name
     * @param value   its value, as the form shows it (resolved where the plan resolves it)
     * @param how     how it reaches the job
     * @param flags   the recipe flags with their values ({@code null} value: a switch), in order; empty for DATA/NONE
     * @param note    what the user should know (why there is no equivalent, how a value differs), or empty
     */
    public record Entry(String setting, String value, How how, Map<String, String> flags, String note) {}

    /** The recipe's LoRA module names for our target layer names (both name the same linear layers). */
    static final Map<String, String> LORA_MODULES = Map.of(
            "projections", "dense_projection",
            "out_filter_dense", "dense",
            "Wqkv", "linear_qkv",
            "out_proj", "linear_proj",
            "mlp.l1", "linear_fc1",
            "mlp.l2", "linear_fc1",
            "mlp.l3", "linear_fc2");

    /** The recipe's mixed-precision recipe written for every precision (its default; no fp32 training there). */
    static final String MIXED_PRECISION = "bf16_mixed";

    private final List<Entry> entries;

    private SettingMapping(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Maps every setting; {@code plan} holds the data-dependent values. */
    public static SettingMapping of(FineTuneSettings s, TrainingPlan plan) {
        List<Entry> out = new ArrayList<>();
        FineTuneMethod method = s.get(METHOD);
        boolean lora = method == FineTuneMethod.LORA;
        switch (method) {
            case LORA -> flag(out, s, METHOD, "", "--lora-finetune", null);
            case FULL -> out.add(new Entry(METHOD.name(), s.text(METHOD), How.FLAG, Map.of(),
                    "full fine-tuning is the recipe's default (no --lora-finetune)"));
            case FILTERS -> out.add(new Entry(METHOD.name(), s.text(METHOD), How.NONE, Map.of(),
                    "the recipe cannot train only the Hyena filters: the job fine-tunes every weight instead"));
        }
        if (lora) {
            flag(out, s, LORA_RANK, "", "--lora-dim", s.text(LORA_RANK));
            double alpha = s.get(LORA_ALPHA);
            long rounded = Math.round(alpha);
            flag(out, s, LORA_ALPHA, rounded == alpha ? "" : "the recipe takes a whole number: " + s.text(LORA_ALPHA)
                    + " is written as " + rounded, "--lora-alpha", Long.toString(rounded));
            flag(out, s, LORA_DROPOUT, "", "--lora-dropout", s.text(LORA_DROPOUT));
            List<String> modules = new ArrayList<>();
            List<String> unknown = new ArrayList<>();
            for (String t : s.get(LORA_TARGETS)) {
                String m = LORA_MODULES.get(t);
                if (m == null) {
                    unknown.add(t);
                } else if (!modules.contains(m)) {
                    modules.add(m);
                }
            }
            String note = "mlp.l1 and mlp.l2 are one fused layer (linear_fc1) in the recipe";
            if (!unknown.isEmpty()) {
                note += "; no recipe module for " + String.join(", ", unknown) + " (left out)";
            }
            if (modules.isEmpty()) {
                out.add(new Entry(LORA_TARGETS.name(), s.text(LORA_TARGETS), How.NONE, Map.of(), note
                        + "; the recipe's default modules are used"));
            } else {
                flag(out, s, LORA_TARGETS, note, "--lora-target-modules", String.join(",", modules));
            }
        } else {
            for (Hyperparameter<?> p : List.of(LORA_RANK, LORA_ALPHA, LORA_DROPOUT, LORA_TARGETS)) {
                out.add(new Entry(p.name(), "—", How.UNUSED, Map.of(), "applies to LoRA only"));
            }
        }
        flag(out, s, WINDOW_LENGTH, "", "--seq-length", s.text(WINDOW_LENGTH));
        for (Hyperparameter<?> p : List.of(STRIDE, VALIDATION_FRACTION, REVERSE_COMPLEMENT, MAX_N_FRACTION,
                SHORT_SEQUENCES)) {
            out.add(new Entry(p.name(), s.text(p), How.DATA, Map.of(), "applied in the exported windows"));
        }
        flag(out, s, LEARNING_RATE, "", "--lr", s.text(LEARNING_RATE));
        out.add(new Entry(BATCH_SIZE.name(), s.text(BATCH_SIZE), How.PARAMETER,
                Map.of("--micro-batch-size", s.text(BATCH_SIZE)),
                "per GPU; MICRO_BATCH_SIZE in the launch script"));
        int global = s.get(BATCH_SIZE) * s.get(GRAD_ACCUMULATION);
        out.add(new Entry(GRAD_ACCUMULATION.name(), s.text(GRAD_ACCUMULATION), How.PARAMETER,
                Map.of("--global-batch-size", Integer.toString(global)),
                "global batch = batch size × accumulation = " + global + " (GLOBAL_BATCH_SIZE); the recipe infers "
                        + "its accumulation from the global batch, the micro batch and the GPUs"));
        flag(out, s, WEIGHT_DECAY, "", "--wd", s.text(WEIGHT_DECAY));
        flag(out, s, BETA1, "", "--adam-beta1", s.text(BETA1));
        flag(out, s, BETA2, "", "--adam-beta2", s.text(BETA2));
        flag(out, s, EPSILON, "", "--adam-eps", s.text(EPSILON));
        flag(out, s, CLIP_NORM, "", "--clip-grad", s.text(CLIP_NORM));
        flag(out, s, MIN_LEARNING_RATE, "cosine decay as ours", "--min-lr", s.text(MIN_LEARNING_RATE));
        Map<String, String> warm = new LinkedHashMap<>();
        warm.put("--warmup-steps", Long.toString(plan.warmupSteps()));
        warm.put("--decay-steps", Long.toString(plan.plannedSteps()));
        out.add(new Entry(WARMUP_STEPS.name(), Long.toString(plan.warmupSteps()), How.FLAG, warm,
                "linear warm-up, then cosine decay that reaches the final learning rate at the last planned step "
                        + "(--decay-steps = planned steps, as ours)"));
        out.add(new Entry(LOWERCASE_WEIGHT.name(), s.text(LOWERCASE_WEIGHT), How.NONE, Map.of(),
                "the recipe weighs soft-masked (lowercase) bases like the others"));
        out.add(new Entry(MASK_NON_ACGT.name(), s.text(MASK_NON_ACGT), How.NONE, Map.of(),
                "the recipe leaves non-DNA tokens out of the loss but keeps N and IUPAC codes in it"));
        out.add(new Entry(UPPERCASE_INPUT.name(), s.text(UPPERCASE_INPUT), s.get(UPPERCASE_INPUT) ? How.FLAG
                : How.NONE, Map.of(), s.get(UPPERCASE_INPUT) ? "the recipe always upper-cases its input (no flag)"
                : "the recipe always upper-cases its input: the job does too"));
        out.add(new Entry(EPOCHS.name(), s.text(EPOCHS), How.DATA, Map.of(),
                "counted into --max-steps (planned steps)"));
        out.add(new Entry(MAX_STEPS.name(), Long.toString(plan.plannedSteps()), How.FLAG,
                Map.of("--max-steps", Long.toString(plan.plannedSteps())), "the planned steps of this data"));
        out.add(new Entry(MAX_TIME.name(), s.text(MAX_TIME), How.NONE, Map.of(),
                s.get(MAX_TIME).isZero() ? "no recipe flag; job.sbatch asks Slurm for 24 hours (change #SBATCH --time)" : "no recipe flag; it is the Slurm time limit (#SBATCH --time in job.sbatch), after which Slurm ends the job without a final checkpoint"));
        flagValue(out, s, EVAL_EVERY, Long.toString(plan.evalEvery()), "--eval-interval",
                "the recipe also saves a checkpoint at every evaluation");
        int accumulation = s.get(GRAD_ACCUMULATION);
        int evalIters = Math.max(1, (plan.evalBatches() + accumulation - 1) / accumulation);
        flagValue(out, s, EVAL_BATCHES, Integer.toString(evalIters), "--eval-iters", "the recipe counts global "
                + "batches: " + plan.evalBatches() + " batches of " + s.get(BATCH_SIZE) + " windows ≈ " + evalIters
                + " of " + s.get(BATCH_SIZE) * accumulation);
        out.add(new Entry(PATIENCE.name(), s.text(PATIENCE), s.get(PATIENCE) == 0 ? How.UNUSED : How.NONE, Map.of(),
                s.get(PATIENCE) == 0 ? "off, as in the recipe" : "the recipe has no early stopping: it runs all "
                        + plan.plannedSteps() + " steps"));
        boolean sameInterval = plan.checkpointEvery() == plan.evalEvery();
        out.add(new Entry(CHECKPOINT_EVERY.name(), Long.toString(plan.checkpointEvery()), sameInterval ? How.FLAG
                : How.NONE, Map.of(), sameInterval ? "the recipe checkpoints at every evaluation (--eval-interval)"
                : "the recipe checkpoints at every evaluation (every " + plan.evalEvery() + " steps), not every "
                        + plan.checkpointEvery()));
        flag(out, s, KEEP_LAST, "", "--most-recent-k", s.text(KEEP_LAST));
        out.add(new Entry(KEEP_BEST.name(), s.text(KEEP_BEST), s.get(KEEP_BEST) ? How.NONE : How.UNUSED, Map.of(),
                s.get(KEEP_BEST) ? "the recipe does not keep a best checkpoint apart; compare the validation "
                        + "losses in its logs" : "off"));
        out.add(new Entry(DEVICE.name(), s.text(DEVICE), How.NONE, Map.of(),
                "replaced by NNODES and GPUS_PER_NODE of the batch script"));
        out.add(new Entry(DEVICES.name(), s.text(DEVICES), How.NONE, Map.of(),
                "replaced by NNODES and GPUS_PER_NODE of the batch script"));
        Precision precision = s.get(PRECISION);
        out.add(new Entry(PRECISION.name(), s.text(PRECISION), How.FLAG,
                Map.of("--mixed-precision-recipe", MIXED_PRECISION),
                "the recipe trains in bf16-mixed (fp32 master weights); our " + precision.name().toLowerCase(Locale.ROOT)
                        + " has no recipe of its own there"));
        if (s.get(ACTIVATION_CHECKPOINTING)) {
            out.add(new Entry(ACTIVATION_CHECKPOINTING.name(), s.text(ACTIVATION_CHECKPOINTING), How.FLAG, Map.of(),
                    "on by default in the recipe"));
        } else {
            flag(out, s, ACTIVATION_CHECKPOINTING, "", "--no-activation-checkpointing", null);
        }
        Map<String, String> seed = new LinkedHashMap<>();
        seed.put("--seed", s.text(SEED));
        seed.put("--dataset-seed", s.text(SEED));
        out.add(new Entry(SEED.name(), s.text(SEED), How.FLAG, seed, "the split itself is already fixed in the data"));
        return new SettingMapping(out);
    }

    private static void flag(List<Entry> out, FineTuneSettings s, Hyperparameter<?> p, String note, String flag,
                             String value) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(flag, value);
        out.add(new Entry(p.name(), s.text(p), How.FLAG, m, note));
    }

    private static void flagValue(List<Entry> out, FineTuneSettings s, Hyperparameter<?> p, String value, String flag,
                                  String note) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(flag, value);
        out.add(new Entry(p.name(), value, How.FLAG, m, note));
    }

    /** Every setting's entry, in the order of the declarations' groups. */
    public List<Entry> entries() {
        return entries;
    }

    /** The fixed {@code train_evo2} flags from the settings (not the batch parameters), in order. */
    public Map<String, String> flags() {
        Map<String, String> out = new LinkedHashMap<>();
        entries.stream().filter(e -> e.how() == How.FLAG).forEach(e -> out.putAll(e.flags()));
        return out;
    }

    /** The settings with no recipe equivalent (listed in the README). */
    public List<Entry> unmapped() {
        return entries.stream().filter(e -> e.how() == How.NONE).toList();
    }
}
