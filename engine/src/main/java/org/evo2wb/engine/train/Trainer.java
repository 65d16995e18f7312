package org.evo2wb.engine.train;

import static org.evo2wb.engine.train.settings.FineTuneParameters.BATCH_SIZE;
import static org.evo2wb.engine.train.settings.FineTuneParameters.CLIP_NORM;
import static org.evo2wb.engine.train.settings.FineTuneParameters.GRAD_ACCUMULATION;
import static org.evo2wb.engine.train.settings.FineTuneParameters.KEEP_BEST;
import static org.evo2wb.engine.train.settings.FineTuneParameters.KEEP_LAST;
import static org.evo2wb.engine.train.settings.FineTuneParameters.LEARNING_RATE;
import static org.evo2wb.engine.train.settings.FineTuneParameters.MAX_TIME;
import static org.evo2wb.engine.train.settings.FineTuneParameters.METHOD;
import static org.evo2wb.engine.train.settings.FineTuneParameters.MIN_LEARNING_RATE;
import static org.evo2wb.engine.train.settings.FineTuneParameters.PATIENCE;
import static org.evo2wb.engine.train.settings.FineTuneParameters.SEED;
import static org.evo2wb.engine.train.settings.FineTuneParameters.WINDOW_LENGTH;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import org.evo2wb.engine.checkpoint.Safetensors;
import org.evo2wb.engine.checkpoint.TensorInfo;
import org.evo2wb.engine.lora.PeftAdapter;
import org.evo2wb.engine.lora.SeededDropout;
import org.evo2wb.engine.model.GradMode;
import org.evo2wb.engine.train.TrainingFailedException.Kind;
import org.evo2wb.engine.train.data.BatchStream;
import org.evo2wb.engine.train.data.HostBatch;
import org.evo2wb.engine.train.data.LossWeights;
import org.evo2wb.engine.train.data.TokenWindow;
import org.evo2wb.engine.train.data.WindowSource;
import org.evo2wb.engine.train.optim.AdamW;
import org.evo2wb.engine.train.optim.GradientClipping;
import org.evo2wb.engine.train.optim.LearningRateSchedule;
import org.evo2wb.engine.train.optim.LossScaler;
import org.evo2wb.engine.train.optim.NextTokenLoss;
import org.evo2wb.engine.train.optim.ParameterGradients;
import org.evo2wb.engine.train.parallel.DataParallel;
import org.evo2wb.engine.train.parallel.MemoryProbe;
import org.evo2wb.engine.train.parallel.TrainingDevices;
import org.evo2wb.engine.train.parallel.TrainingMemoryEstimate;
import org.evo2wb.engine.train.run.CheckpointStore;
import org.evo2wb.engine.train.run.LoopState;
import org.evo2wb.engine.train.run.MetricsLog;
import org.evo2wb.engine.train.run.RunFolder;
import org.evo2wb.engine.train.run.RunState;
import org.evo2wb.engine.train.run.RunStatus;
import org.evo2wb.engine.train.settings.FineTuneMethod;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.FineTuneSettings;
import org.evo2wb.engine.train.settings.ShortSequencePolicy;
import org.evo2wb.engine.train.settings.ValueType;

/**
 * The training loop, readable top to bottom: {@link #run()} prepares (plan, checks, restore), runs the settings
 * check, loops over steps until {@link StopConditions} says stop, and finishes (final evaluation, checkpoint,
 * status). One step ({@link #step}) is: for each micro-batch, forward, weighted next-token loss, backward
 * (gradients add up); then global-norm clipping, one AdamW update at the scheduled learning rate, and zeroing of the
 * gradients. Every step runs inside an {@link NDScope}, so native memory stays flat.
 */
final class Trainer {

    private final FineTuneRun run;
    private final FineTuneSettings s;
    private final BooleanSupplier cancelRequested;
    private final FineTuneTask.Progress progress;
    private final RunFolder folder;
    private final LossWeights lossWeights;
    private final int windowLength;
    private final int accumulation;
    private final long seed;
    private final boolean checkpointing;
    private int keptBlocks;
    private int offloadedInputs;
    private boolean spectraRebuilt;             // the model's filter spectra are built in every pass for this run

    private TrainingPlan plan;
    private BatchStream stream;
    private Map<String, NDArray> trainable;
    private List<ai.djl.Device> devices;
    private DataParallel parallel;
    private AdamW optimizer;
    private LearningRateSchedule schedule;
    private StopConditions stops;
    private LossScaler scaler;
    private LoopState state = new LoopState();
    private MetricsLog metrics;
    private long lastSavedStep = -1;
    private Path lastCheckpoint;
    private long sessionSteps;
    private long sessionNanos;

    Trainer(FineTuneRun run, BooleanSupplier cancelRequested, FineTuneTask.Progress progress) {
        this.run = run;
        this.s = run.settings;
        this.cancelRequested = cancelRequested;
        this.progress = progress;
        this.folder = new RunFolder(run.folder);
        this.lossWeights = LossWeights.from(s);
        this.windowLength = s.get(WINDOW_LENGTH);
        this.accumulation = s.get(GRAD_ACCUMULATION);
        this.seed = s.get(SEED);
        this.checkpointing = s.get(FineTuneParameters.ACTIVATION_CHECKPOINTING);
    }

    TrainingResult run() throws Exception {
        try {
            prepare();
            checkSettingsKeepingWhatFits();
            StopReason reason = loop();
            return finish(reason);
        } catch (CancelledMidStep e) {
            return finish(StopReason.CANCELLED);
        } catch (CancellationException e) {
            throw e;
        } catch (TrainingFailedException e) {
            fail(e);
            throw e;
        } catch (Exception | OutOfMemoryError e) {
            TrainingFailedException f = translate(e);
            fail(f);
            throw f;
        } finally {
            if (metrics != null) {
                metrics.close();
            }
            if (optimizer != null) {
                optimizer.close();
            }
            if (parallel != null) {
                parallel.close();
            }
            if (spectraRebuilt) {
                run.model.keepCaches(true);
            }
        }
    }

    /**
     * "; about 25.3 GB for a step by the estimate" (with the CUDA context on a GPU), or "" where the model has no
     * estimate or the batch is shared between devices.
     */
    private String planned(TrainingMemoryEstimate.Fitting f) {
        ai.djl.Device d = run.model.manager().getDevice();
        TrainingMemoryEstimate e = parallel == null ? run.model.memoryEstimate(s, d) : null;
        if (e == null) {
            return "";
        }
        long bytes = e.plannedBytes(keptBlocks, f) + (d.isGpu() ? org.evo2wb.engine.hub.ModelNeeds.CUDA_CONTEXT : 0);
        return "; about " + TrainingMemoryEstimate.bytes(bytes) + " for a step by the estimate";
    }

    /**
     * Gives up what {@code f} says the run needs to fit (the filters' kept spectra, block inputs to host memory) and
     * returns the note's part for it.
     */
    private String giveUp(TrainingMemoryEstimate.Fitting f) {
        offloadedInputs = f.offloadedInputs();
        if (!f.keepsSpectra() && !spectraRebuilt) {
            run.model.keepCaches(false);
            spectraRebuilt = true;
        }
        return KeptBlocks.describe(f);
    }

    // ---- preparation ----------------------------------------------------------------------------------------

    private void prepare() throws IOException {
        plan = TrainingPlan.resolve(s, run.train.size(), run.validation.size());
        stream = new BatchStream(run.train, s.get(BATCH_SIZE), seed);
        schedule = new LearningRateSchedule(s.get(LEARNING_RATE), s.get(MIN_LEARNING_RATE), plan.warmupSteps(),
                plan.plannedSteps());
        stops = new StopConditions(plan, s.get(MAX_TIME), s.get(PATIENCE), cancelRequested);
        checkWindows(run.train, "training");
        checkWindows(run.validation, "validation");
        checkDevice();
        checkPrecision();
        scaler = LossScaler.forPrecision(run.model.precision());
        trainable = TrainableSelection.select(run.model, s.get(METHOD));
        checkTrainableAreFp32();
        checkCheckpointing();
        TrainableSelection.freezeAllBut(run.model, trainable);

        try {
            folder.checkWritable();
        } catch (IOException e) {
            throw new TrainingFailedException(Kind.DISK, e.getMessage(), e);
        }
        checkFreeSpace();
        folder.checkpoints().prepare();
        optimizer = new AdamW(trainable, AdamW.Hyper.from(s));
        if (run.resume) {
            RunRecord.checkResumable(folder, run);
            restoreLatest();
        } else {
            if (folder.hasRecord()) {
                throw new TrainingFailedException(Kind.RESUME, folder.dir() + " already holds a run: resume it, or "
                        + "choose an empty folder for a new run");
            }
            folder.writeRecord(RunRecord.create(run, plan, trainable));
        }
        parallel = DataParallel.start(run.model, trainable, devices);
        String started = startedStatus();
        String checkpointingNote = null;
        if (checkpointing) {
            keptBlocks = KeptBlocks.choose(run.model, s, parallel != null);
            TrainingMemoryEstimate.Fitting fitting = KeptBlocks.fitting(run.model, s, parallel != null, keptBlocks);
            checkpointingNote = KeptBlocks.describe(keptBlocks, run.model.stages().blocks()) + giveUp(fitting)
                    + planned(fitting);
            started += "; " + checkpointingNote;
        }
        MetricsLog.truncateAfter(folder.metricsFile(), state.step);
        metrics = new MetricsLog(folder.metricsFile());
        metrics.open();
        writeStatus(RunState.RUNNING, started);
        String turnsNote = checkpointing && parallel != null && s.get(METHOD) == FineTuneMethod.LORA
                ? ActivationCheckpointing.takingTurnsNote(devices, s.get(FineTuneParameters.LORA_DROPOUT)) : null;
        for (TrainingListener l : run.listeners) {
            l.onStart(plan, state.step);
            if (checkpointingNote != null) {
                l.onNote(checkpointingNote);
            }
            if (turnsNote != null) {
                l.onNote(turnsNote);
            }
        }
    }

    /** Short windows are padded (their padding weighs 0) or refused, as the short-sequences setting says. */
    private void checkWindows(WindowSource windows, String split) {
        ShortSequencePolicy policy = s.get(FineTuneParameters.SHORT_SEQUENCES);
        for (int i = 0; i < windows.size(); i++) {
            TokenWindow w = windows.get(i);
            if (w.length() > windowLength) {
                throw new TrainingFailedException(Kind.DATA, "a " + split + " window of record '" + w.record()
                        + "' at " + w.start() + " has " + w.length() + " bases, more than the window length "
                        + windowLength);
            }
            if (w.shortRecord() && policy == ShortSequencePolicy.REJECT) {
                throw new TrainingFailedException(Kind.DATA, "record '" + w.record() + "' (" + split + ") is "
                        + w.length() + " bases long, shorter than the " + windowLength + "-base window. Set short "
                        + "sequences to 'pad', shorten the window, or remove the record.");
            }
        }
    }

    private void checkDevice() {
        ai.djl.Device wanted;
        try {
            devices = (run.devices != null ? run.devices : TrainingDevices.choose(s)).devices();
            wanted = devices.get(0);
        } catch (IllegalArgumentException e) {
            throw new TrainingFailedException(Kind.SETTINGS_CHECK, e.getMessage(), e);
        }
        ai.djl.Device actual = run.model.manager().getDevice();
        if (!actual.equals(wanted)) {
            throw new TrainingFailedException(Kind.SETTINGS_CHECK, "the model was loaded on " + actual
                    + " but the device setting asks for " + wanted);
        }
    }

    private void checkPrecision() {
        String wanted = s.text(FineTuneParameters.PRECISION);
        if (!run.model.precision().equals(wanted)) {
            throw new TrainingFailedException(Kind.SETTINGS_CHECK, "the model was loaded for " + run.model.precision()
                    + " computation but the precision setting asks for " + wanted);
        }
    }

    private void checkTrainableAreFp32() {
        for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
            if (e.getValue().getDataType() != DataType.FLOAT32) {
                throw new TrainingFailedException(Kind.SETTINGS_CHECK, "trainable parameter '" + e.getKey()
                        + "' is " + e.getValue().getDataType() + "; trained weights must be fp32"
                        + (e.getValue().getDataType() == DataType.FLOAT16 ? ": " + org.evo2wb.engine.model.StripedHyena
                        .halfOnlyMessage() : ""));
            }
        }
    }

    private void checkCheckpointing() {
        if (checkpointing && run.model.stages() == null) {
            throw new TrainingFailedException(Kind.SETTINGS_CHECK, "activation checkpointing needs a model that can "
                    + "be run block by block; this " + run.model.getClass().getSimpleName() + " cannot: turn "
                    + FineTuneParameters.ACTIVATION_CHECKPOINTING.name() + " off");
        }
    }

    /**
     * Refuses to start when the disk cannot hold the checkpoints: one checkpoint holds the trained weights and two
     * AdamW moments (3 × 4 bytes per trained value); keep-last of them, one being written and the best one are on
     * disk at once.
     */
    private void checkFreeSpace() throws IOException {
        long values = trainable.values().stream().mapToLong(a -> a.getShape().size()).sum();
        long perCheckpoint = values * 12 + (1 << 16);
        long needed = perCheckpoint * (s.get(KEEP_LAST) + 2);
        long free = run.usableSpace != null ? run.usableSpace.getAsLong() : folder.usableSpace();
        if (free < needed) {
            throw new TrainingFailedException(Kind.DISK, String.format(java.util.Locale.ROOT,
                    "not enough disk space for the checkpoints in %s: about %s needed (%s per checkpoint × %d), %s "
                            + "free. Lower 'checkpoints kept' (now %d) or choose a folder on a larger disk.",
                    folder.dir(), bytes(needed), bytes(perCheckpoint), s.get(KEEP_LAST) + 2, bytes(free),
                    s.get(KEEP_LAST)));
        }
    }

    private void restoreLatest() throws IOException {
        var latest = folder.checkpoints().latest();
        if (latest.isEmpty()) {
            return;     // killed before its first checkpoint: start again from step 0
        }
        CheckpointStore.Loaded c = latest.get();
        try (Safetensors weights = Safetensors.open(c.weightsFile());
             Safetensors moments = Safetensors.open(c.optimizerFile())) {
            for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
                if (!weights.infos().containsKey(e.getKey())) {
                    throw new TrainingFailedException(Kind.RESUME, c.weightsFile() + ": no weights for '" + e.getKey()
                            + "'");
                }
                Tensors.copyInto(e.getValue(), weights.tensor(e.getKey()), c.weightsFile() + ": " + e.getKey());
            }
            optimizer.restore(key -> moments.infos().containsKey(key) ? moments.tensor(key) : null,
                    c.state().get("adam-steps").getAsLong(), c.optimizerFile().toString());
        }
        state = LoopState.fromJson(c.state().getAsJsonObject("loop"));
        scaler.restore(c.state().getAsJsonObject("loss-scaler"));
        lastSavedStep = state.step;
        lastCheckpoint = c.dir();
    }

    // ---- settings check -------------------------------------------------------------------------------------

    /**
     * {@link #checkSettings}; when it runs out of memory, once more for each thing the automatic choices
     * ({@link KeptBlocks}) can still give up (the estimate behind them can be wrong, or another process took memory
     * since), and the run says so: first a quarter of the kept block graphs at a time, down to none (every block
     * recomputed), then the filters' kept spectra and, on a GPU, every block input to host memory.
     */
    private void checkSettingsKeepingWhatFits() throws IOException {
        while (true) {
            try {
                checkSettings();
                return;
            } catch (TrainingFailedException e) {
                String note = e.kind() == Kind.OUT_OF_MEMORY ? giveUpMore() : null;
                if (note == null) {
                    throw e;
                }
                writeStatus(RunState.RUNNING, startedStatus() + "; " + note);
                for (TrainingListener l : run.listeners) {
                    l.onNote(note);
                }
            }
        }
    }

    /**
     * After running out of memory: gives up the next thing the automatic choices can and returns the note that says
     * so, or null where nothing is left to give up (activation checkpointing off, the batch shared between devices,
     * numbers set by hand, everything given up already).
     */
    private String giveUpMore() {
        if (!checkpointing || parallel != null) {
            return null;
        }
        int blocks = run.model.stages().blocks();
        if (keptBlocks > 0) {
            if (!KeptBlocks.automatic()) {
                return null;
            }
            int wasKept = keptBlocks;
            keptBlocks = keptBlocks * 3 / 4;         // a quarter fewer: an estimate a little short costs little speed
            return "the settings check ran out of memory with the graphs of the last " + wasKept + " of " + blocks
                    + " blocks kept; " + KeptBlocks.describe(keptBlocks, blocks)
                    + (keptBlocks == 0 ? giveUp(KeptBlocks.fitting(run.model, s, false, 0)) : "") + " instead";
        }
        boolean gpu = run.model.manager().getDevice().isGpu();
        int inputs = gpu && KeptBlocks.offloadAutomatic() ? blocks : offloadedInputs;
        // only frozen filters (LoRA) keep spectra: trained ones build theirs in every pass in any case
        boolean rebuild = spectraRebuilt || s.get(METHOD) == FineTuneMethod.LORA;
        if (rebuild == spectraRebuilt && inputs == offloadedInputs) {
            return null;
        }
        String was = KeptBlocks.describe(0, blocks)
                + KeptBlocks.describe(new TrainingMemoryEstimate.Fitting(!spectraRebuilt, offloadedInputs, true));
        return "the settings check ran out of memory (" + was + "); now"
                + giveUp(new TrainingMemoryEstimate.Fitting(!rebuild, inputs, false)).substring(1);
    }

    /** The running status's first words: "started" or "resumed at step N". */
    private String startedStatus() {
        return run.resume ? "resumed at step " + state.step : "started";
    }

    /** Two training batches forward and backward, no update: a wrong configuration fails here in seconds. */
    private void checkSettings() {
        progress.report(state.step, plan.plannedSteps(), "checking the settings on two batches");
        double loss = 0;
        double weight = 0;
        try (NDManager sm = run.model.manager().newSubManager(); NDScope scope = new NDScope()) {
            for (int i = 0; i < 2; i++) {
                HostBatch b = HostBatch.of(stream.batch(state.batches + i), windowLength, lossWeights);
                if (b.weightSum() == 0) {
                    continue;
                }
                loss += microBatch(sm, b, b.weightSum(), 1.0, BatchStream.mix(seed, -1 - i)) * b.weightSum();
                weight += b.weightSum();
            }
            if (weight == 0) {
                throw new TrainingFailedException(Kind.SETTINGS_CHECK, "the settings check found no target base "
                        + "to learn in the first two batches: every target is masked (are the sequences DNA? is "
                        + "'ignore non-ACGT targets' on with sequences of N?)");
            }
            double norm = GradientClipping.globalNorm(gradients().values());
            if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
                throw new TrainingFailedException(Kind.SETTINGS_CHECK, "the settings check gave a mean loss of "
                        + loss / weight + " and a gradient norm of " + norm + " on the first two batches, before any update: the "
                        + "model or its starting weights are not usable");
            }
            if (norm == 0) {
                throw new TrainingFailedException(Kind.SETTINGS_CHECK, "the settings check found no gradient "
                        + "reaching the trained parameters (" + trainable.size() + " tensors)");
            }
        } catch (TrainingFailedException e) {
            throw e;
        } catch (RuntimeException | OutOfMemoryError e) {
            TrainingFailedException f = translate(e);
            throw new TrainingFailedException(f.kind() == Kind.OUT_OF_MEMORY ? Kind.OUT_OF_MEMORY : Kind.SETTINGS_CHECK,
                    "the settings check on the first two batches failed: " + f.getMessage(), e);
        } finally {
            zeroGradients();
        }
        double mean = loss / weight;
        for (TrainingListener l : run.listeners) {
            l.onSettingsChecked(mean);
        }
    }

    // ---- the loop -------------------------------------------------------------------------------------------

    private StopReason loop() throws IOException {
        while (true) {
            StopReason reason = stops.check(state);
            if (reason != null) {
                return reason;
            }
            long t0 = System.nanoTime();
            double lr = schedule.at(state.step);
            StepResult r = step(lr);
            long stepNanos = System.nanoTime() - t0;
            state.step++;
            state.batches += r.batches;
            state.tokens += r.tokens;
            if (!Double.isNaN(r.loss)) {
                state.lastTrainLoss = r.loss;
            }
            EvalMetrics eval = evaluationDue() ? evaluate() : null;
            long iterationNanos = System.nanoTime() - t0;
            state.trainingNanos += iterationNanos;
            sessionSteps++;
            sessionNanos += iterationNanos;
            StepMetrics m = new StepMetrics(state.step, plan.plannedSteps(),
                    (double) state.batches / plan.batchesPerEpoch(), r.loss, lr, r.gradNorm,
                    r.tokens / (stepNanos / 1e9), state.tokens, Duration.ofNanos(state.trainingNanos), eta(),
                    MemoryProbe.usedBytes(run.model.manager().getDevice()));
            metrics.append(Arrays.asList(m.step(), m.epoch(), m.tokens(), m.trainLoss(), m.learningRate(),
                    m.gradNorm(), Math.round(m.tokensPerSecond()), m.elapsed().toMillis() / 1000.0, m.memoryBytes(),
                    eval == null ? null : eval.loss(), eval == null ? null : eval.bitsPerBase(),
                    eval == null ? null : eval.perplexity()));
            for (TrainingListener l : run.listeners) {
                l.onStep(m);
                if (eval != null) {
                    l.onEvaluation(eval);
                }
            }
            if (eval != null && eval.improved() && s.get(KEEP_BEST)) {
                saveBest();
            }
            if (state.step % plan.checkpointEvery() == 0) {
                saveCheckpoint();
            }
            progress.report(state.step, plan.plannedSteps(), describe(m, eval) + (r.skipped ? " · fp16 gradients "
                    + "overflowed: update skipped, loss scale now " + Math.round(scaler.scale()) : ""));
        }
    }

    /** The outcome of one optimiser step; {@code skipped}: fp16 gradients overflowed, no update was made. */
    private record StepResult(double loss, double gradNorm, int batches, long tokens, boolean skipped) {

        StepResult(double loss, double gradNorm, int batches, long tokens) {
            this(loss, gradNorm, batches, tokens, false);
        }
    }

    private StepResult step(double lr) {
        StepPhases.start();
        int n = (int) Math.min(accumulation, plan.batchLimit() - state.batches);
        List<HostBatch> batches = new ArrayList<>(n);
        double denominator = 0;
        long tokens = 0;
        for (int i = 0; i < n; i++) {
            HostBatch b = HostBatch.of(stream.batch(state.batches + i), windowLength, lossWeights);
            batches.add(b);
            denominator += b.weightSum();
            tokens += b.tokens();
        }
        if (denominator == 0) {
            return new StepResult(Double.NaN, 0, n, tokens);   // every target masked: nothing to learn, no update
        }
        try (NDManager sm = run.model.manager().newSubManager(); NDScope scope = new NDScope()) {
            double lossScale = scaler.scale();
            StepPhases.mark("open-scope");
            double loss = accumulate(sm, batches, denominator, lossScale);
            Map<String, NDArray> grads = gradients();
            double norm = GradientClipping.globalNorm(grads.values()) / lossScale;
            StepPhases.mark("gradient-norm");
            if (!Double.isFinite(loss) || !scaler.update(Double.isFinite(norm))) {
                zeroGradients();
                if (Double.isFinite(loss) && scaler.enabled() && !scaler.exhausted()) {
                    return new StepResult(loss, Double.NaN, n, tokens, true);   // fp16 overflow: skip, scale halved
                }
                throw new TrainingFailedException(Kind.NON_FINITE, "training stopped at step " + (state.step + 1)
                        + ": the loss became " + loss + " (gradient norm " + norm + ")"
                        + (scaler.exhausted() ? ", and the fp16 gradients overflow even without loss scaling" : "")
                        + ". " + keptCheckpoint() + " Lower the learning rate (now "
                        + ValueType.DECIMAL.format(s.get(LEARNING_RATE)) + ") or keep gradient clipping on"
                        + (scaler.enabled() ? ", or train in fp32." : "."));
            }
            optimizer.step(grads, lr, GradientClipping.scale(norm, s.get(CLIP_NORM)) / lossScale);
            try (GradMode off = GradMode.disabled()) {
                run.model.afterUpdate();
            }
            if (parallel != null) {
                parallel.broadcast();
            }
            zeroGradients();
            if (StepPhases.ON) {
                GradientClipping.globalNorm(gradients().values());   // waits for the update
                StepPhases.mark("update");
            }
            return new StepResult(loss, norm, n, tokens);
        } finally {
            StepPhases.print(state.step + 1);
        }
    }

    /**
     * Forward and backward of every micro-batch of the step (gradients add up, multiplied by {@code lossScale});
     * returns the step loss (unscaled).
     */
    private double accumulate(NDManager sm, List<HostBatch> batches, double denominator, double lossScale) {
        double loss = 0;
        for (int i = 0; i < batches.size(); i++) {
            if (stops.cancelRequested()) {
                zeroGradients();
                throw new CancelledMidStep();
            }
            long microSeed = BatchStream.mix(seed, state.step * accumulation + i);
            Engine.getInstance().setRandomSeed((int) microSeed);
            loss += microBatch(sm, batches.get(i), denominator, lossScale, microSeed);
        }
        return loss;
    }

    /**
     * {@link #forwardBackward}, the rows shared between the data-parallel devices when there are several; the
     * gradients multiplied by {@code lossScale} (fp16-mixed). With activation checkpointing each device runs
     * {@link #checkpointed} instead. Returns the micro-batch's share of the step loss (unscaled).
     *
     * @param microSeed seeds the micro-batch's LoRA dropout masks (with the replica's index on several devices)
     */
    private double microBatch(NDManager sm, HostBatch b, double denominator, double lossScale, long microSeed) {
        if (parallel == null) {
            if (checkpointing) {
                return checkpointed(run.model, sm, b, denominator, lossScale, microSeed, keptBlocks,
                        offloadedInputs);
            }
            try (SeededDropout.Scope masks = SeededDropout.use(microSeed)) {
                return forwardBackward(sm, b, denominator, lossScale);
            }
        }
        return parallel.forwardBackward(b, (model, m, shard, replica) -> {
            long replicaSeed = BatchStream.mix(microSeed, replica);     // each replica's rows get masks of their own
            if (checkpointing) {
                return checkpointed(model, m, shard, denominator, lossScale, replicaSeed, 0, 0);
            }
            try (SeededDropout.Scope masks = SeededDropout.use(replicaSeed)) {
                return DataParallel.backward(batchLoss(model, m, shard, denominator), lossScale);
            }
        });
    }

    /** Forward and backward of one micro-batch with activation checkpointing ({@link ActivationCheckpointing}). */
    private static double checkpointed(TrainableModel model, NDManager sm, HostBatch b, double denominator,
                                       double lossScale, long microSeed, int kept, int offloaded) {
        try (GradMode on = GradMode.enabled()) {
            NDArray tokens = tokens(sm, b);
            NDArray targets = targets(sm, b);
            NDArray weights = NextTokenLoss.weightsOnDevice(sm, b.weights(), b.rows(), b.length() - 1);
            return ActivationCheckpointing.forwardBackward(model.stages(), tokens,
                    logits -> NextTokenLoss.loss(logits, targets, weights, denominator), lossScale, microSeed, kept,
                    offloaded);
        }
    }

    /**
     * Forward and backward of one micro-batch, the gradients multiplied by {@code lossScale} (fp16-mixed); returns
     * its share of the step loss (unscaled).
     */
    private double forwardBackward(NDManager sm, HostBatch b, double denominator, double lossScale) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray loss = batchLoss(sm, b, denominator);
            collector.backward(lossScale == 1 ? loss : loss.mul((float) lossScale));
            return loss.getFloat();
        }
    }

    private NDArray batchLoss(NDManager sm, HostBatch b, double denominator) {
        return batchLoss(run.model, sm, b, denominator);
    }

    private static NDArray batchLoss(TrainableModel model, NDManager sm, HostBatch b, double denominator) {
        NDArray tokens = tokens(sm, b);
        NDArray targets = targets(sm, b);
        NDArray weights = NextTokenLoss.weightsOnDevice(sm, b.weights(), b.rows(), b.length() - 1);
        return NextTokenLoss.loss(model.logits(tokens), targets, weights, denominator);
    }

    private static NDArray tokens(NDManager sm, HostBatch b) {
        return sm.create(b.inputs(), new Shape(b.rows(), b.length())).toType(DataType.INT64, false);
    }

    private static NDArray targets(NDManager sm, HostBatch b) {
        return sm.create(b.targets(), new Shape(b.rows(), b.length() - 1)).toType(DataType.INT64, false);
    }

    /** The gradients of the trained parameters, summed over the devices first (arrays of the current scope). */
    private Map<String, NDArray> gradients() {
        if (parallel != null) {
            parallel.reduceGradients();
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
            NDArray g = ParameterGradients.of(e.getValue());
            if (g != null) {
                out.put(e.getKey(), g);
            }
        }
        return out;
    }

    private void zeroGradients() {
        for (NDArray p : trainable.values()) {
            ParameterGradients.zero(p);
        }
        if (parallel != null) {
            parallel.zeroGradients();
        }
    }

    // ---- evaluation -----------------------------------------------------------------------------------------

    private boolean evaluationDue() {
        return plan.evalBatches() > 0 && (state.step % plan.evalEvery() == 0 || state.step == plan.plannedSteps());
    }

    /** Weighted next-token loss over the first eval-batches validation batches (always the same windows). */
    private EvalMetrics evaluate() {
        int batch = s.get(BATCH_SIZE);
        double nll = 0;
        double weight = 0;
        long targets = 0;
        run.model.setTraining(false);
        try {
            for (int i = 0; i < plan.evalBatches(); i++) {
                List<TokenWindow> windows = new ArrayList<>();
                for (int j = i * batch; j < Math.min((i + 1) * batch, run.validation.size()); j++) {
                    windows.add(run.validation.get(j));
                }
                HostBatch b = HostBatch.of(windows, windowLength, lossWeights);
                if (b.weightSum() == 0) {
                    continue;
                }
                try (NDManager sm = run.model.manager().newSubManager(); NDScope scope = new NDScope();
                     GradMode off = GradMode.disabled()) {
                    nll += batchLoss(sm, b, 1.0).getFloat();
                }
                weight += b.weightSum();
                for (float w : b.weights()) {
                    targets += w > 0 ? 1 : 0;
                }
            }
        } finally {
            run.model.setTraining(true);
        }
        double loss = weight == 0 ? Double.NaN : nll / weight;
        boolean improved = !Double.isNaN(loss) && (Double.isNaN(state.bestValidationLoss) || loss < state.bestValidationLoss);
        if (improved) {
            state.bestValidationLoss = loss;
            state.bestStep = state.step;
            state.evaluationsWithoutImprovement = 0;
        } else {
            state.evaluationsWithoutImprovement++;
        }
        return new EvalMetrics(state.step, loss, loss / Math.log(2), Math.exp(loss), targets, improved,
                state.bestValidationLoss, state.evaluationsWithoutImprovement);
    }

    // ---- checkpoints and the end ----------------------------------------------------------------------------

    private void saveCheckpoint() {
        try {
            lastCheckpoint = folder.checkpoints().save(state.step, hostWeights(), optimizer.stateTensors(),
                    checkpointState());
            lastSavedStep = state.step;
            folder.checkpoints().prune(s.get(KEEP_LAST));
            writeStatus(RunState.RUNNING, "checkpoint at step " + state.step);
        } catch (IOException e) {
            throw new TrainingFailedException(Kind.DISK, "could not write the checkpoint of step " + state.step
                    + " (" + e.getMessage() + "). " + keptCheckpoint() + " Free disk space, then resume.", e);
        }
        for (TrainingListener l : run.listeners) {
            l.onCheckpoint(state.step, lastCheckpoint, false);
        }
    }

    private void saveBest() {
        Path dir;
        try {
            dir = folder.checkpoints().saveBest(hostWeights(), checkpointState());
        } catch (IOException e) {
            throw new TrainingFailedException(Kind.DISK, "could not write the best checkpoint at step " + state.step
                    + " (" + e.getMessage() + "). " + keptCheckpoint() + " Free disk space, then resume.", e);
        }
        for (TrainingListener l : run.listeners) {
            l.onCheckpoint(state.step, dir, true);
        }
    }

    /** The trained weights, each copied to the host only when the writer reaches it. */
    private CheckpointStore.Contents hostWeights() {
        Map<String, TensorInfo> layout = new LinkedHashMap<>();
        trainable.forEach((k, v) -> layout.put(k, Tensors.info(v)));
        return new CheckpointStore.Contents(layout, key -> Tensors.toHost(trainable.get(key)));
    }

    private com.google.gson.JsonObject checkpointState() {
        com.google.gson.JsonObject o = new com.google.gson.JsonObject();
        o.add("loop", state.toJson());
        o.addProperty("adam-steps", optimizer.steps());
        o.add("plan", plan.toJson());
        o.addProperty("method", s.get(METHOD).key());
        if (scaler.enabled()) {
            o.add("loss-scaler", scaler.toJson());
        }
        return o;
    }

    /**
     * LoRA runs: writes {@code adapter/} in PEFT layout from the best checkpoint when one is kept, else from the
     * final weights. Returns a phrase saying which, or null for other methods.
     */
    private String exportAdapter() {
        if (s.get(METHOD) != FineTuneMethod.LORA) {
            return null;
        }
        String suffix = ".lora_A.weight";
        List<String> modules = trainable.keySet().stream().filter(k -> k.endsWith(suffix))
                .map(k -> k.substring(0, k.length() - suffix.length())).toList();
        PeftAdapter.Config config = new PeftAdapter.Config(run.modelDescription.name(),
                s.get(FineTuneParameters.LORA_RANK), s.get(FineTuneParameters.LORA_ALPHA),
                s.get(FineTuneParameters.LORA_DROPOUT), modules);
        try {
            var best = s.get(KEEP_BEST) ? folder.checkpoints().best() : java.util.Optional.<CheckpointStore.Loaded>empty();
            if (best.isPresent()) {
                try (Safetensors w = Safetensors.open(best.get().weightsFile())) {
                    PeftAdapter.write(folder.adapterDir(), config, w.infos(), w::tensor);
                }
                return "adapter saved from the best checkpoint (step " + best.get().step() + ")";
            }
            CheckpointStore.Contents weights = hostWeights();
            PeftAdapter.write(folder.adapterDir(), config, weights.layout(), weights.source());
            return "adapter saved from the final weights (step " + state.step + ")";
        } catch (IOException e) {
            throw new TrainingFailedException(Kind.DISK, "could not write the adapter to " + folder.adapterDir()
                    + " (" + e.getMessage() + "). " + keptCheckpoint(), e);
        }
    }

    private TrainingResult finish(StopReason reason) throws IOException {
        if (reason != StopReason.CANCELLED && plan.evalBatches() > 0 && state.step > 0
                && state.step % plan.evalEvery() != 0 && state.step != plan.plannedSteps()) {
            EvalMetrics eval = evaluate();      // judge the final weights too
            for (TrainingListener l : run.listeners) {
                l.onEvaluation(eval);
            }
            if (eval.improved() && s.get(KEEP_BEST)) {
                saveBest();
            }
        }
        if (state.step != lastSavedStep && state.step > 0) {
            saveCheckpoint();
        }
        String adapter = reason == StopReason.CANCELLED ? null : exportAdapter();
        String message = switch (reason) {
            case EARLY_STOPPING -> "stopped early at step " + state.step + ": validation loss did not improve for "
                    + state.evaluationsWithoutImprovement + " evaluations (best " + fmt(state.bestValidationLoss)
                    + " at step " + state.bestStep + ")";
            case MAX_TIME -> "reached the time limit of " + ValueType.DURATION.format(s.get(MAX_TIME)) + " at step "
                    + state.step + " of " + plan.plannedSteps();
            case CANCELLED -> "cancelled at step " + state.step + "; resume to continue";
            default -> reason.text() + " (" + state.step + " steps)";
        };
        if (adapter != null) {
            message += "; " + adapter;
        }
        RunState end = reason == StopReason.CANCELLED ? RunState.CANCELLED : RunState.FINISHED;
        writeStatus(end, message);
        for (TrainingListener l : run.listeners) {
            l.onStop(reason, message);
        }
        if (reason == StopReason.CANCELLED) {
            throw new CancellationException(message);
        }
        return new TrainingResult(reason, message, state.step, state.lastTrainLoss, state.bestValidationLoss,
                state.bestStep, folder.dir(), lastCheckpoint, adapter == null ? null : folder.adapterDir());
    }

    private void fail(TrainingFailedException e) {
        try {
            if (java.nio.file.Files.isDirectory(folder.dir())) {
                writeStatus(RunState.FAILED, e.getMessage());
            }
        } catch (IOException | RuntimeException ignored) {
            // the folder itself is the problem; the exception carries the message
        }
        for (TrainingListener l : run.listeners) {
            l.onStop(StopReason.FAILED, e.getMessage());
        }
    }

    /** The other ways to save memory that this run does not use yet, as ", …, or …" (or ""). */
    private String memoryAdvice() {
        List<String> ways = new ArrayList<>();
        if (!s.get(FineTuneParameters.ACTIVATION_CHECKPOINTING)) {
            ways.add("switch on activation checkpointing (recomputes each block in the backward pass)");
        }
        if (keptBlocks > 0) {
            ways.add("recompute every block (start with JAVA_OPTS=-D" + KeptBlocks.PROPERTY + "=0; this run kept the "
                    + "graphs of the last " + keptBlocks + ")");
        }
        if (checkpointing && parallel == null && !spectraRebuilt && s.get(METHOD) == FineTuneMethod.LORA) {
            ways.add("build the long filters' spectra in every pass instead of keeping them (start with JAVA_OPTS=-D"
                    + org.evo2wb.engine.model.HyenaLongImplicit.KEEP_SPECTRA_PROPERTY + "=false)");
        }
        if (checkpointing && parallel == null && run.model.manager().getDevice().isGpu()) {
            int recomputed = run.model.stages().blocks() - keptBlocks;
            if (offloadedInputs < recomputed) {
                ways.add("keep the block inputs in host memory (start with JAVA_OPTS=-D" + KeptBlocks.OFFLOAD_PROPERTY
                        + "=" + recomputed + ")");
            }
        }
        if (s.get(METHOD) != FineTuneMethod.LORA) {
            ways.add("use LoRA");
        }
        if (s.get(FineTuneParameters.PRECISION) == org.evo2wb.engine.model.Precision.FP32
                && run.model.manager().getDevice().isGpu()) {
            ways.add("use fp16");
        }
        if (ways.isEmpty()) {
            return "";
        }
        return ways.size() == 1 ? ", or " + ways.get(0)
                : ", " + String.join(", ", ways.subList(0, ways.size() - 1)) + " or " + ways.get(ways.size() - 1);
    }

    /** Turns engine errors into a message that says what to change. */
    private TrainingFailedException translate(Throwable e) {
        if (e instanceof TrainingFailedException f) {
            return f;
        }
        String text = String.valueOf(e.getMessage());
        boolean oom = e instanceof OutOfMemoryError
                || text.matches("(?is).*(out of memory|can't allocate memory|DefaultCPUAllocator|CUBLAS_STATUS_ALLOC_FAILED).*");
        if (oom) {
            int batch = s.get(BATCH_SIZE);
            return new TrainingFailedException(Kind.OUT_OF_MEMORY, "out of memory at step " + (state.step + 1)
                    + " with batch size " + batch + ", window length " + windowLength + " and method "
                    + s.get(METHOD).key() + ". Lower the batch size" + (batch > 1 ? " (e.g. to " + batch / 2
                    + " with grad accumulation " + accumulation * 2 + " to keep the effective batch)" : "")
                    + ", shorten the window" + memoryAdvice() + ". " + keptCheckpoint(), e);
        }
        if (e instanceof org.evo2wb.engine.model.Fp16OverflowException) {
            return new TrainingFailedException(Kind.NON_FINITE, "training stopped at step " + (state.step + 1) + ": "
                    + text + " " + keptCheckpoint(), e);
        }
        if (e instanceof IOException) {
            return new TrainingFailedException(Kind.DISK, "could not write the run folder " + folder.dir() + ": "
                    + text + ". " + keptCheckpoint(), e);
        }
        return new TrainingFailedException(Kind.SETTINGS_CHECK, "training stopped at step " + (state.step + 1) + ": "
                + org.evo2wb.engine.task.EngineTask.describe(e) + ". " + keptCheckpoint(), e);
    }

    private String keptCheckpoint() {
        return lastCheckpoint == null ? "No checkpoint had been written yet."
                : "The last good checkpoint (step " + lastSavedStep + ") is kept in " + lastCheckpoint + ".";
    }

    private void writeStatus(RunState st, String message) throws IOException {
        folder.writeStatus(new RunStatus(st, message, state.step, plan == null ? 0 : plan.plannedSteps(), Instant.now()));
    }

    private Duration eta() {
        if (sessionSteps == 0) {
            return Duration.ZERO;
        }
        long remaining = Math.max(0, plan.plannedSteps() - state.step);
        Duration byPlan = Duration.ofNanos(sessionNanos / sessionSteps * remaining);
        Duration left = stops.timeLeft(state);
        return left != null && left.compareTo(byPlan) < 0 ? left : byPlan;
    }

    private static String describe(StepMetrics m, EvalMetrics e) {
        String text = "step " + m.step() + "/" + m.plannedSteps() + " · loss " + fmt(m.trainLoss());
        return e == null ? text : text + " · validation " + fmt(e.bitsPerBase()) + " bits/base";
    }

    private static String fmt(double d) {
        return String.format(java.util.Locale.ROOT, "%.4f", d);
    }

    private static String bytes(long b) {
        return b >= 1L << 30 ? String.format(java.util.Locale.ROOT, "%.1f GB", b / (double) (1L << 30))
                : String.format(java.util.Locale.ROOT, "%.1f MB", b / (double) (1L << 20));
    }

    /** Cancellation noticed between micro-batches: the partial step is dropped. */
    private static final class CancelledMidStep extends RuntimeException {
        CancelledMidStep() {
            super("cancelled", null, false, false);
        }
    }
}
