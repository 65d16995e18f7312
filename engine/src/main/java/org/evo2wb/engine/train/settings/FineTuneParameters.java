package org.evo2wb.engine.train.settings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.evo2wb.bio.dataset.ReverseComplementMode;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.train.parallel.TrainingDevices;
import org.evo2wb.engine.train.settings.Hyperparameter.Group;

/**
 * Every fine-tuning setting, declared once. The form, the command-line options, validation and the run record are
 * all derived from {@link #ALL}; adding a setting here adds it everywhere.
 *
 * <p>Defaults follow the Evo 2 training recipes where they exist (spec §3.10, §6.2): Adam β = (0.9, 0.95), ε = 1e-8,
 * gradient clipping at 1.0, BioNeMo's weight decay 0.01 and min-lr = lr / 10, BioNeMo's LoRA rank 16 / α 32 /
 * dropout 0.1 on the same target modules, Evo 2's lowercase loss weight 0.1, and BioNeMo's loss mask on
 * non-ACGTacgt targets.
 */
public final class FineTuneParameters {

    private FineTuneParameters() {
    }

    private static boolean lora(FineTuneSettings s) {
        return s.get(METHOD) == FineTuneMethod.LORA;
    }

    // ---- method ---------------------------------------------------------------------------------------------

    public static final Hyperparameter<FineTuneMethod> METHOD = Hyperparameter
            .declare("method", ValueType.choice(FineTuneMethod.class))
            .label("Method")
            .description("What is trained: small LoRA adapters on the linear layers (base weights frozen), every "
                    + "weight, or only the Hyena filters and norms.")
            .group(Group.METHOD).primary().defaultValue(FineTuneMethod.LORA).build();

    public static final Hyperparameter<Integer> LORA_RANK = Hyperparameter.declare("lora-rank", ValueType.INTEGER)
            .label("LoRA rank")
            .description("Rank r of each adapter B·A: more capacity and memory with higher values.")
            .group(Group.METHOD).primary().range(1, 1024).defaultValue(16)
            .onlyWhen("LoRA", FineTuneParameters::lora).build();

    public static final Hyperparameter<Double> LORA_ALPHA = Hyperparameter.declare("lora-alpha", ValueType.DECIMAL)
            .label("LoRA alpha")
            .description("Scale of the adapter output: the update is (alpha / rank)·B·A·x.")
            .group(Group.METHOD).above(0).atMost(1e6)
            .computedDefault("2 × LoRA rank", s -> 2.0 * s.get(LORA_RANK))
            .onlyWhen("LoRA", FineTuneParameters::lora).build();

    public static final Hyperparameter<Double> LORA_DROPOUT = Hyperparameter.declare("lora-dropout", ValueType.DECIMAL)
            .label("LoRA dropout")
            .description("Probability of dropping an input element of each adapter during training.")
            .group(Group.METHOD).atLeast(0).below(1).defaultValue(0.1)
            .onlyWhen("LoRA", FineTuneParameters::lora).build();

    public static final List<String> DEFAULT_LORA_TARGETS =
            List.of("projections", "out_filter_dense", "Wqkv", "out_proj", "mlp.l1", "mlp.l2", "mlp.l3");

    public static final Hyperparameter<List<String>> LORA_TARGETS = Hyperparameter
            .declare("lora-targets", ValueType.TEXT_LIST)
            .label("LoRA target layers")
            .description("Linear layers that get an adapter, by the end of their checkpoint name ('mlp.l1' matches "
                    + "blocks.*.mlp.l1; '*' matches any characters within a name part).")
            .group(Group.METHOD).defaultValue(DEFAULT_LORA_TARGETS)
            .check(l -> l.isEmpty() ? "name at least one layer" : null)
            .onlyWhen("LoRA", FineTuneParameters::lora).build();

    // ---- data -----------------------------------------------------------------------------------------------

    public static final Hyperparameter<Integer> WINDOW_LENGTH = Hyperparameter.declare("window-length", ValueType.INTEGER)
            .label("Window length")
            .description("Length of each training example in bases; longer windows teach longer context but need "
                    + "more memory (Evo 2 was pre-trained on 8192).")
            .group(Group.DATA).primary().unit("bases").range(8, 1_048_576).defaultValue(1024).build();

    public static final Hyperparameter<Integer> STRIDE = Hyperparameter.declare("stride", ValueType.INTEGER)
            .label("Window stride")
            .description("Distance between the starts of consecutive windows of a record; smaller than the bases "
                    + "per window gives overlapping windows. A window holds window length − 1 bases: the last token "
                    + "is kept for the end-of-record mark.")
            .group(Group.DATA).unit("bases").range(1, 1_048_576)
            .computedDefault("window length − 1 (no overlap)", s -> s.get(WINDOW_LENGTH) - 1).build();

    public static final Hyperparameter<Double> VALIDATION_FRACTION = Hyperparameter
            .declare("validation-fraction", ValueType.DECIMAL)
            .label("Validation fraction")
            .description("Share of the records held out for validation (whole records, chosen with the seed).")
            .group(Group.DATA).range(0, 0.9).defaultValue(0.1).build();

    public static final Hyperparameter<ReverseComplementMode> REVERSE_COMPLEMENT = Hyperparameter
            .declare("reverse-complement", ValueType.enumChoice(ReverseComplementMode.class))
            .label("Reverse-complement augmentation")
            .description("Training windows on the other strand too: none; both (every window twice, twice the "
                    + "time per epoch); random (each window on one strand chosen with the seed).")
            .group(Group.DATA).defaultValue(ReverseComplementMode.RANDOM).build();

    public static final Hyperparameter<Double> MAX_N_FRACTION = Hyperparameter.declare("max-n-fraction", ValueType.DECIMAL)
            .label("Largest share of N")
            .description("Windows with a larger share of N bases (assembly gaps) are left out.")
            .group(Group.DATA).range(0, 1).defaultValue(0.1).build();

    public static final Hyperparameter<ShortSequencePolicy> SHORT_SEQUENCES = Hyperparameter
            .declare("short-sequences", ValueType.choice(ShortSequencePolicy.class))
            .label("Records shorter than the window")
            .description("Pad them and leave the padding out of the loss, or refuse to start and name the record.")
            .group(Group.DATA).defaultValue(ShortSequencePolicy.PAD).build();

    // ---- optimiser ------------------------------------------------------------------------------------------

    public static final Hyperparameter<Double> LEARNING_RATE = Hyperparameter.declare("learning-rate", ValueType.DECIMAL)
            .label("Learning rate")
            .description("Peak step size of AdamW, reached after the warm-up.")
            .group(Group.OPTIMISER).primary().above(0).atMost(1)
            .computedDefault("2e-4 for LoRA, 1e-4 for filters, 2e-5 for full", s -> switch (s.get(METHOD)) {
                case LORA -> 2e-4;
                case FILTERS -> 1e-4;
                case FULL -> 2e-5;
            }).build();

    public static final Hyperparameter<Integer> BATCH_SIZE = Hyperparameter.declare("batch-size", ValueType.INTEGER)
            .label("Batch size")
            .description("Windows per forward/backward pass; lower it first when memory runs out.")
            .group(Group.OPTIMISER).primary().unit("windows").range(1, 4096).defaultValue(4).build();

    public static final Hyperparameter<Integer> GRAD_ACCUMULATION = Hyperparameter
            .declare("grad-accumulation", ValueType.INTEGER)
            .label("Gradient accumulation")
            .description("Batches whose gradients are summed before one optimiser step: the effective batch is "
                    + "batch size × this, at the memory cost of one batch.")
            .group(Group.OPTIMISER).unit("batches").range(1, 4096).defaultValue(1).build();

    public static final Hyperparameter<Double> WEIGHT_DECAY = Hyperparameter.declare("weight-decay", ValueType.DECIMAL)
            .label("Weight decay")
            .description("Decoupled (AdamW) weight decay; never applied to norms, biases, 1-D tensors and Hyena filters.")
            .group(Group.OPTIMISER).range(0, 1).defaultValue(0.01).build();

    public static final Hyperparameter<Double> BETA1 = Hyperparameter.declare("beta1", ValueType.DECIMAL)
            .label("Adam β1")
            .description("Decay rate of the running mean of gradients.")
            .group(Group.OPTIMISER).atLeast(0).below(1).defaultValue(0.9).build();

    public static final Hyperparameter<Double> BETA2 = Hyperparameter.declare("beta2", ValueType.DECIMAL)
            .label("Adam β2")
            .description("Decay rate of the running mean of squared gradients.")
            .group(Group.OPTIMISER).atLeast(0).below(1).defaultValue(0.95).build();

    public static final Hyperparameter<Double> EPSILON = Hyperparameter.declare("adam-epsilon", ValueType.DECIMAL)
            .label("Adam ε")
            .description("Added to the root of the second moment to avoid division by zero.")
            .group(Group.OPTIMISER).above(0).atMost(1).defaultValue(1e-8).build();

    public static final Hyperparameter<Double> CLIP_NORM = Hyperparameter.declare("clip-norm", ValueType.DECIMAL)
            .label("Gradient clipping")
            .description("Largest global gradient norm; larger gradients are scaled down to it. 0 turns clipping off.")
            .group(Group.OPTIMISER).range(0, 1e6).defaultValue(1.0).build();

    // ---- schedule -------------------------------------------------------------------------------------------

    public static final Hyperparameter<Double> MIN_LEARNING_RATE = Hyperparameter
            .declare("min-learning-rate", ValueType.DECIMAL)
            .label("Final learning rate")
            .description("Floor of the cosine decay, reached at the last planned step.")
            .group(Group.SCHEDULE).range(0, 1)
            .computedDefault("learning rate / 10", s -> java.math.BigDecimal.valueOf(s.get(LEARNING_RATE))
                    .divide(java.math.BigDecimal.TEN).doubleValue()).build();

    public static final Hyperparameter<Integer> WARMUP_STEPS = Hyperparameter.declare("warmup-steps", ValueType.INTEGER)
            .label("Warm-up steps")
            .description("Steps over which the learning rate rises linearly from 0 to its peak.")
            .group(Group.SCHEDULE).unit("steps").range(0, 10_000_000).auto("3 % of the planned steps").build();

    // ---- loss -----------------------------------------------------------------------------------------------

    public static final Hyperparameter<Double> LOWERCASE_WEIGHT = Hyperparameter
            .declare("lowercase-loss-weight", ValueType.DECIMAL)
            .label("Weight of soft-masked bases")
            .description("Loss weight of lowercase (soft-masked, usually repeat) target bases; Evo 2 used 0.1. "
                    + "1 treats them like uppercase, 0 ignores them.")
            .group(Group.LOSS).range(0, 1).defaultValue(0.1).build();

    public static final Hyperparameter<Boolean> MASK_NON_ACGT = Hyperparameter.declare("mask-non-acgt", ValueType.BOOLEAN)
            .label("Ignore non-ACGT targets")
            .description("Leave targets other than A, C, G, T (either case) out of the loss: N, IUPAC codes, "
                    + "padding, as BioNeMo does.")
            .group(Group.LOSS).defaultValue(true).build();

    public static final Hyperparameter<Boolean> UPPERCASE_INPUT = Hyperparameter.declare("uppercase-input", ValueType.BOOLEAN)
            .label("Upper-case the input")
            .description("Feed and predict upper-case bases (soft-masking only changes the loss weight), as "
                    + "Evo 2 and BioNeMo train.")
            .group(Group.LOSS).defaultValue(true).build();

    // ---- stopping and evaluation ----------------------------------------------------------------------------

    public static final Hyperparameter<Integer> EPOCHS = Hyperparameter.declare("epochs", ValueType.INTEGER)
            .label("Epochs")
            .description("Passes over the training windows.")
            .group(Group.STOPPING).primary().unit("epochs").range(1, 100_000)
            .auto("1 unless max steps is set").build();

    public static final Hyperparameter<Integer> MAX_STEPS = Hyperparameter.declare("max-steps", ValueType.INTEGER)
            .label("Max steps")
            .description("Optimiser steps after which training stops; also sets the length of the learning-rate decay.")
            .group(Group.STOPPING).primary().unit("steps").range(1, 100_000_000)
            .auto("epochs × steps per epoch").build();

    public static final Hyperparameter<Duration> MAX_TIME = Hyperparameter.declare("max-time", ValueType.DURATION)
            .label("Max time")
            .description("Wall-clock limit; training stops after the step that crosses it and keeps its checkpoint. "
                    + "0 means no limit.")
            .group(Group.STOPPING).primary().defaultValue(Duration.ZERO).build();

    public static final Hyperparameter<Integer> EVAL_EVERY = Hyperparameter.declare("eval-every", ValueType.INTEGER)
            .label("Evaluate every")
            .description("Steps between evaluations on the validation records (loss, bits per base, perplexity).")
            .group(Group.STOPPING).unit("steps").range(1, 100_000_000)
            .auto("planned steps / 10, at least 1").build();

    public static final Hyperparameter<Integer> EVAL_BATCHES = Hyperparameter.declare("eval-batches", ValueType.INTEGER)
            .label("Validation batches")
            .description("Largest number of validation batches per evaluation (always the same ones).")
            .group(Group.STOPPING).unit("batches").range(1, 1_000_000).auto("all").build();

    public static final Hyperparameter<Integer> PATIENCE = Hyperparameter.declare("early-stopping-patience", ValueType.INTEGER)
            .label("Early-stopping patience")
            .description("Stop after this many evaluations in a row without a better validation loss; 0 turns "
                    + "early stopping off.")
            .group(Group.STOPPING).unit("evaluations").range(0, 10_000).defaultValue(0).build();

    // ---- checkpoints ----------------------------------------------------------------------------------------

    public static final Hyperparameter<Integer> CHECKPOINT_EVERY = Hyperparameter
            .declare("checkpoint-every", ValueType.INTEGER)
            .label("Checkpoint every")
            .description("Steps between checkpoints (a checkpoint is also written at the end and on cancel).")
            .group(Group.CHECKPOINTS).unit("steps").range(1, 100_000_000).auto("same as evaluate every").build();

    public static final Hyperparameter<Integer> KEEP_LAST = Hyperparameter.declare("keep-last", ValueType.INTEGER)
            .label("Checkpoints kept")
            .description("Most recent checkpoints kept on disk; older ones are deleted (the best one is kept apart).")
            .group(Group.CHECKPOINTS).unit("checkpoints").range(1, 1000).defaultValue(2).build();

    public static final Hyperparameter<Boolean> KEEP_BEST = Hyperparameter.declare("keep-best", ValueType.BOOLEAN)
            .label("Keep the best checkpoint")
            .description("Also keep the checkpoint with the lowest validation loss.")
            .group(Group.CHECKPOINTS).defaultValue(true).build();

    // ---- hardware and reproducibility -----------------------------------------------------------------------

    public static final Hyperparameter<String> DEVICE = Hyperparameter.declare("device", ValueType.TEXT)
            .label("Device")
            .description("Where to train: auto (first GPU if any, else CPU), cpu, gpu, or gpu:N.")
            .group(Group.HARDWARE).primary().defaultValue("auto")
            .check(d -> d.matches("auto|cpu|gpu|gpu:\\d+") ? null : "'" + d + "' is not auto, cpu, gpu or gpu:N").build();

    public static final Hyperparameter<String> DEVICES = Hyperparameter.declare("devices", ValueType.TEXT)
            .label("Data-parallel devices")
            .description("Devices that share every batch (data parallelism, one process): 1 (only the device "
                    + "above), a count N (gpu:0 … gpu:N−1), or a list such as gpu:0,gpu:1. Each holds a copy of the "
                    + "model and trains on its share of the rows; their gradients are summed on the first, which "
                    + "holds the optimiser. The result equals training on one device with the whole batch.")
            .group(Group.HARDWARE).defaultValue("1").check(TrainingDevices::checkList).build();

    public static final Hyperparameter<Precision> PRECISION = Hyperparameter
            .declare("precision", ValueType.enumChoice(Precision.class))
            .label("Precision")
            .description("How the matrix products are computed. fp32: the reference. tf32: fp32 on a GPU's tensor "
                    + "cores (start the workbench with EVO2WB_TF32=1). fp16: fp16-mixed on a GPU: fp16 products; frozen "
                    + "linear weights are held only in fp16, trained weights (with fp16 copies), optimiser state, "
                    + "norms, softmax and FFT convolutions stay fp32, and the loss is scaled dynamically so small gradients survive. Checked against the "
                    + "device when the run starts.")
            .group(Group.HARDWARE).defaultValue(Precision.FP32).build();

    public static final Hyperparameter<Boolean> ACTIVATION_CHECKPOINTING = Hyperparameter
            .declare("activation-checkpointing", ValueType.BOOLEAN)
            .label("Activation checkpointing")
            .description("Keep only each block's input during the forward pass and recompute the block during the "
                    + "backward pass: training memory falls from every block's activations to the block inputs plus "
                    + "one block's working set, for about a third more compute per step. Turn on when a long window "
                    + "or a large model does not fit; the gradients are the same.")
            .group(Group.HARDWARE).defaultValue(false).build();

    public static final Hyperparameter<Long> SEED = Hyperparameter.declare("seed", ValueType.LONG)
            .label("Seed")
            .description("Seeds the validation split, the data order, adapter initialisation and dropout: the same "
                    + "seed and data give the same run.")
            .group(Group.HARDWARE).atLeast(0).defaultValue(42L).build();

    /** Every setting, in form order. */
    public static final List<Hyperparameter<?>> ALL = List.of(
            METHOD, LORA_RANK, LORA_ALPHA, LORA_DROPOUT, LORA_TARGETS,
            WINDOW_LENGTH, STRIDE, VALIDATION_FRACTION, REVERSE_COMPLEMENT, MAX_N_FRACTION, SHORT_SEQUENCES,
            LEARNING_RATE, BATCH_SIZE, GRAD_ACCUMULATION, WEIGHT_DECAY, BETA1, BETA2, EPSILON, CLIP_NORM,
            MIN_LEARNING_RATE, WARMUP_STEPS,
            LOWERCASE_WEIGHT, MASK_NON_ACGT, UPPERCASE_INPUT,
            EPOCHS, MAX_STEPS, MAX_TIME, EVAL_EVERY, EVAL_BATCHES, PATIENCE,
            CHECKPOINT_EVERY, KEEP_LAST, KEEP_BEST,
            DEVICE, DEVICES, PRECISION, ACTIVATION_CHECKPOINTING, SEED);

    /** The settings of each form section, in display order (sections without settings left out). */
    public static Map<Group, List<Hyperparameter<?>>> byGroup() {
        Map<Group, List<Hyperparameter<?>>> out = new java.util.EnumMap<>(Group.class);
        for (Hyperparameter<?> p : ALL) {
            out.computeIfAbsent(p.group(), g -> new ArrayList<>()).add(p);
        }
        return out;
    }

    /** Looks a setting up by its name (as on the command line, without dashes). */
    public static Hyperparameter<?> byName(String name) {
        Hyperparameter<?> p = BY_NAME.get(name.startsWith("--") ? name.substring(2) : name);
        if (p == null) {
            throw new IllegalArgumentException("unknown setting '" + name + "'");
        }
        return p;
    }

    private static final Map<String, Hyperparameter<?>> BY_NAME = new LinkedHashMap<>();

    static {
        for (Hyperparameter<?> p : ALL) {
            if (BY_NAME.put(p.name(), p) != null) {
                throw new ExceptionInInitializerError("setting declared twice: " + p.name());
            }
        }
    }

    /** Rules that involve more than one setting; each names the settings it concerns. */
    static List<SettingsProblem> crossChecks(FineTuneSettings s) {
        List<SettingsProblem> out = new ArrayList<>();
        rule(out, s, s.get(MIN_LEARNING_RATE) > s.get(LEARNING_RATE),
                x -> "the final learning rate " + fmt(x.get(MIN_LEARNING_RATE)) + " is above the peak learning rate "
                        + fmt(x.get(LEARNING_RATE)),
                MIN_LEARNING_RATE, LEARNING_RATE);
        rule(out, s, s.get(STRIDE) > s.get(WINDOW_LENGTH) - 1,
                x -> "a stride of " + x.get(STRIDE) + " bases is longer than a window's " + (x.get(WINDOW_LENGTH) - 1)
                        + " bases: bases between windows would never be trained on",
                STRIDE, WINDOW_LENGTH);
        Integer warmup = s.get(WARMUP_STEPS);
        Integer max = s.get(MAX_STEPS);
        rule(out, s, warmup != null && max != null && warmup >= max,
                x -> "warm-up (" + warmup + " steps) must be shorter than max steps (" + max + ")",
                WARMUP_STEPS, MAX_STEPS);
        rule(out, s, s.get(PATIENCE) > 0 && s.get(VALIDATION_FRACTION) == 0,
                x -> "early stopping needs validation records: raise the validation fraction above 0",
                PATIENCE, VALIDATION_FRACTION);
        rule(out, s, s.get(KEEP_BEST) && s.get(VALIDATION_FRACTION) == 0 && s.isExplicit(KEEP_BEST),
                x -> "keeping the best checkpoint needs validation records: raise the validation fraction above 0",
                KEEP_BEST, VALIDATION_FRACTION);
        rule(out, s, TrainingDevices.conflict(s.get(DEVICE), s.get(DEVICES)) != null,
                x -> TrainingDevices.conflict(x.get(DEVICE), x.get(DEVICES)), DEVICE, DEVICES);
        rule(out, s, TrainingDevices.count(s.get(DEVICES)) > s.get(BATCH_SIZE),
                x -> "a batch of " + x.get(BATCH_SIZE) + " window(s) cannot be shared by " + TrainingDevices.count(
                        x.get(DEVICES)) + " devices: raise the batch size to at least the number of devices",
                DEVICES, BATCH_SIZE);
        return out;
    }

    private static void rule(List<SettingsProblem> out, FineTuneSettings s, boolean broken,
                             Function<FineTuneSettings, String> message, Hyperparameter<?>... concerned) {
        if (broken) {
            out.add(new SettingsProblem(List.of(concerned).stream().map(Hyperparameter::name).toList(),
                    message.apply(s)));
        }
    }

    private static String fmt(double d) {
        return ValueType.DECIMAL.format(d);
    }
}
