package org.evo2wb.app.ui.finetune;

import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.evo2wb.engine.train.EvalMetrics;
import org.evo2wb.engine.train.StepMetrics;
import org.evo2wb.engine.train.StopReason;
import org.evo2wb.engine.train.TrainingListener;
import org.evo2wb.engine.train.TrainingPlan;

/**
 * What a running fine-tuning reports, collected on the training thread and handed to the FX thread in batches: the
 * listener methods only append to a lock-free queue (no FX call, no waiting), and the view's 250 ms timer
 * {@link #drain() drains} everything that arrived since the last tick at once, so the charts redraw at most four
 * times a second however fast the steps come.
 */
final class MetricsBuffer implements TrainingListener {

    /** Everything one drain returns, in arrival order within each list. */
    record Batch(List<StepMetrics> steps, List<EvalMetrics> evaluations, List<String> log, TrainingPlan plan,
                 long fromStep) {

        boolean isEmpty() {
            return steps.isEmpty() && evaluations.isEmpty() && log.isEmpty() && plan == null;
        }
    }

    private record Started(TrainingPlan plan, long fromStep) {}

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();

    /** Adds a line to the log pane (any thread). */
    void log(String line) {
        queue.add(TIME.format(LocalTime.now()) + "  " + line);
    }

    @Override
    public void onStart(TrainingPlan plan, long fromStep) {
        queue.add(new Started(plan, fromStep));
        log((fromStep == 0 ? "started: " : "resumed at step " + fromStep + ": ") + plan.plannedSteps()
                + " planned steps, " + plan.batchesPerEpoch() + " batches per epoch, warm-up " + plan.warmupSteps()
                + ", evaluation every " + plan.evalEvery() + " steps");
    }

    @Override
    public void onNote(String note) {
        log(note);
    }

    @Override
    public void onSettingsChecked(double loss) {
        log(String.format(Locale.ROOT, "settings check passed (loss %.4f on two batches)", loss));
    }

    @Override
    public void onStep(StepMetrics m) {
        queue.add(m);
    }

    @Override
    public void onEvaluation(EvalMetrics e) {
        queue.add(e);
        log(String.format(Locale.ROOT, "step %d: validation loss %.4f, %.4f bits per base%s", e.step(), e.loss(),
                e.bitsPerBase(), e.improved() ? " (best so far)" : ""));
    }

    @Override
    public void onCheckpoint(long step, Path dir, boolean best) {
        log((best ? "best checkpoint" : "checkpoint") + " at step " + step + ": " + dir.getFileName());
    }

    @Override
    public void onStop(StopReason reason, String message) {
        log("stopped: " + message);
    }

    /** Takes everything reported since the last drain (FX thread). */
    Batch drain() {
        List<StepMetrics> steps = new ArrayList<>();
        List<EvalMetrics> evals = new ArrayList<>();
        List<String> log = new ArrayList<>();
        TrainingPlan plan = null;
        long from = 0;
        for (Object o; (o = queue.poll()) != null; ) {
            if (o instanceof StepMetrics m) {
                steps.add(m);
            } else if (o instanceof EvalMetrics e) {
                evals.add(e);
            } else if (o instanceof String s) {
                log.add(s);
            } else if (o instanceof Started s) {
                plan = s.plan();
                from = s.fromStep();
            }
        }
        return new Batch(steps, evals, log, plan, from);
    }
}
