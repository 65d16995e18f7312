package org.evo2wb.engine.train.run;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.evo2wb.engine.train.FineTuneRun;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.FineTuneSettings;
import org.evo2wb.engine.train.settings.Hyperparameter;

/**
 * One run folder as a history lists it: what it is, how far it got, how good it is. Read with {@link #read(Path)};
 * a folder that cannot be read still gives a summary, with {@link #problem()} saying why.
 *
 * @param folder             the run folder
 * @param state              the state {@code status.json} records (a run killed without warning still says
 *                           running), or null when there is no status
 * @param message            the status message
 * @param step               last completed step
 * @param plannedSteps       planned steps
 * @param created            when the run was created (from {@code run.json}), or null
 * @param trainingTime       training time so far (from the metrics)
 * @param bestValidationLoss lowest validation loss (nats), NaN without evaluations
 * @param lastTrainLoss      last training loss (nats), NaN before the first step
 * @param method             the method's key ({@code lora}), or "" when unknown
 * @param modelName          the starting model's name, or ""
 * @param data               the data in a few words ("10 records, 5,814 bp"), or ""
 * @param settings           the recorded settings, or null when unreadable
 * @param hasAdapter         a LoRA adapter was exported ({@code adapter/})
 * @param hasCheckpoint      a checkpoint exists (the run can be resumed and its model loaded)
 * @param problem            why the folder could not be read completely, or ""
 */
public record RunSummary(Path folder, RunState state, String message, long step, long plannedSteps, Instant created,
                         Duration trainingTime, double bestValidationLoss, double lastTrainLoss, String method,
                         String modelName, String data, FineTuneSettings settings, boolean hasAdapter,
                         boolean hasCheckpoint, String problem) {

    /** The folder's name, which the history shows as the run's name. */
    public String name() {
        return folder.getFileName().toString();
    }

    /** Steps as "120 / 400". */
    public String progressText() {
        return plannedSteps > 0 ? step + " / " + plannedSteps : String.valueOf(step);
    }

    /** A run that stopped before its plan and has a checkpoint to continue from. */
    public boolean resumable() {
        return hasCheckpoint && state != RunState.FINISHED && settings != null;
    }

    /**
     * What a comparison shows for this run: the starting model, the data, the preset and every setting's value, by
     * name (settings under their command-line names).
     */
    public Map<String, String> configValues() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("model", modelName);
        out.put("data", data);
        if (settings != null) {
            out.put("preset", settings.preset() == null ? "none" : settings.preset().key());
            for (Hyperparameter<?> p : FineTuneParameters.ALL) {
                out.put(p.name(), settings.text(p));
            }
        }
        return out;
    }

    /** Reads a run folder; never throws for a broken folder (see {@link #problem()}). */
    public static RunSummary read(Path folder) {
        RunFolder f = new RunFolder(folder);
        StringBuilder problem = new StringBuilder();
        RunState state = null;
        String message = "";
        long step = 0;
        long planned = 0;
        try {
            if (Files.exists(folder.resolve(RunFolder.STATUS))) {
                RunStatus s = f.readStatus();
                state = s.state();
                message = s.message();
                step = s.step();
                planned = s.plannedSteps();
            }
        } catch (IOException | RuntimeException e) {
            note(problem, e);
        }
        Instant created = null;
        String method = "";
        String model = "";
        String data = "";
        try {
            JsonObject record = f.readRecord();
            if (record.has("created")) {
                created = Instant.parse(record.get("created").getAsString());
            }
            if (record.has("model")) {
                model = record.getAsJsonObject("model").get("name").getAsString();
            }
            if (record.has("trainable")) {
                method = record.getAsJsonObject("trainable").get("method").getAsString();
            }
            if (record.has("data")) {
                data = describeData(record.getAsJsonObject("data"));
            }
            if (planned == 0 && record.has("plan")) {
                planned = record.getAsJsonObject("plan").get("planned-steps").getAsLong();
            }
        } catch (IOException | RuntimeException e) {
            note(problem, e);
        }
        FineTuneSettings settings = null;
        try {
            settings = FineTuneRun.readSettings(folder);
        } catch (IOException | RuntimeException e) {
            note(problem, e);
        }
        Duration time = Duration.ZERO;
        double best = Double.NaN;
        double last = Double.NaN;
        try {
            RunCurves c = RunCurves.read(folder);
            if (c.size() > 0) {
                time = Duration.ofMillis(Math.round(c.elapsedSeconds()[c.size() - 1] * 1000));
                best = c.bestValidationLoss();
                for (int i = c.size() - 1; i >= 0 && Double.isNaN(last); i--) {
                    last = c.trainLoss()[i];
                }
                step = Math.max(step, c.step()[c.size() - 1]);
            }
        } catch (IOException | RuntimeException e) {
            note(problem, e);
        }
        boolean checkpoint = false;
        try {
            checkpoint = f.checkpoints().latest().isPresent() || f.checkpoints().best().isPresent();
        } catch (IOException | RuntimeException e) {
            note(problem, e);
        }
        boolean adapter = Files.isDirectory(f.adapterDir());
        return new RunSummary(folder, state, message, step, planned, created, time, best, last, method, model, data,
                settings, adapter, checkpoint, problem.toString());
    }

    private static String describeData(JsonObject data) {
        JsonObject counts = data.getAsJsonObject("counts");
        if (counts == null) {
            return "";
        }
        long records = counts.get("records").getAsLong();
        long bases = counts.get("trainBases").getAsLong() + counts.get("validationBases").getAsLong();
        return String.format(Locale.ROOT, "%,d %s, %,d bp", records, records == 1 ? "sequence" : "sequences", bases);
    }

    private static void note(StringBuilder problem, Exception e) {
        if (problem.length() > 0) {
            problem.append("; ");
        }
        problem.append(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
}
