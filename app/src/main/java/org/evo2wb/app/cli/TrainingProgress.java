package org.evo2wb.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import org.evo2wb.engine.train.EvalMetrics;
import org.evo2wb.engine.train.StepMetrics;
import org.evo2wb.engine.train.StopReason;
import org.evo2wb.engine.train.TrainingListener;
import org.evo2wb.engine.train.TrainingPlan;

/**
 * The fine-tuning progress bar on stderr: steps, training loss, latest validation loss, tokens/s and the time left,
 * on one line redrawn after every step on a terminal (a line every 5 % of the run otherwise).
 *
 * <pre>  step 120/400 [######--------------]  30% loss 1.2345 val 1.3011 2,345 tok/s ETA 4m10s</pre>
 */
final class TrainingProgress implements TrainingListener {

    private static final int WIDTH = 20;

    private final PrintWriter err;
    private final boolean live;
    private long planned = -1;
    private double validation = Double.NaN;
    private int drawn;
    private StepMetrics last;

    TrainingProgress(PrintWriter err, boolean live) {
        this.err = err;
        this.live = live;
    }

    @Override
    public synchronized void onStart(TrainingPlan plan, long fromStep) {
        planned = plan.plannedSteps();
        println(fromStep == 0 ? String.format(Locale.ROOT, "training: %,d steps planned (%,d per epoch)", planned,
                plan.batchesPerEpoch()) : String.format(Locale.ROOT, "training: resuming at step %,d of %,d",
                fromStep, planned));
    }

    @Override
    public synchronized void onNote(String note) {
        println(note);
    }

    @Override
    public synchronized void onSettingsChecked(double loss) {
        println(String.format(Locale.ROOT, "settings check passed (loss %.4f)", loss));
    }

    @Override
    public synchronized void onStep(StepMetrics m) {
        last = m;
        long every = Math.max(1, m.plannedSteps() / 20);
        if (live) {
            String text = bar(m, validation);
            err.print('\r' + text + " ".repeat(Math.max(0, drawn - text.length())));
            err.flush();
            drawn = text.length();
        } else if (m.step() % every == 0 || m.step() == m.plannedSteps() || m.step() == 1) {
            println(bar(m, validation));
        }
    }

    @Override
    public synchronized void onEvaluation(EvalMetrics e) {
        validation = e.loss();
        if (!live) {
            println(String.format(Locale.ROOT, "step %,d: validation loss %.4f (%.4f bits/base)%s", e.step(),
                    e.loss(), e.bitsPerBase(), e.improved() ? ", best so far" : ""));
        }
    }

    @Override
    public synchronized void onCheckpoint(long step, Path dir, boolean best) {
        // the bar carries on; the run folder lists checkpoints
    }

    @Override
    public synchronized void onStop(StopReason reason, String message) {
        if (live && last != null) {
            err.print('\r' + bar(last, validation) + " ".repeat(Math.max(0, drawn - bar(last, validation).length())));
        }
        println("");
    }

    private void println(String text) {
        if (live && drawn > 0) {
            err.print('\r' + " ".repeat(drawn) + '\r');
            drawn = 0;
        }
        if (!text.isEmpty() || live) {
            err.println(text);
        }
        err.flush();
    }

    static String bar(StepMetrics m, double validation) {
        double f = m.plannedSteps() <= 0 ? 0 : Math.min(1, (double) m.step() / m.plannedSteps());
        int full = (int) Math.round(f * WIDTH);
        return String.format(Locale.ROOT, "step %,d/%,d [%s%s] %3.0f%% loss %.4f%s %,.0f tok/s ETA %s", m.step(),
                m.plannedSteps(), "#".repeat(full), "-".repeat(WIDTH - full), 100 * f, m.trainLoss(),
                Double.isNaN(validation) ? "" : String.format(Locale.ROOT, " val %.4f", validation),
                m.tokensPerSecond(), TaskConsole.duration(m.eta().toMillis() / 1000.0));
    }
}
