package org.evo2wb.engine.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import org.evo2wb.engine.train.TrainingFailedException.Kind;
import org.evo2wb.engine.train.run.ModelDescription;
import org.evo2wb.engine.train.run.RunFolder;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.FineTuneSettings;

/**
 * {@code run.json}: everything needed to know what a run was and to redo it.
 *
 * <pre>
 *   format        "evo2wb-run/1"
 *   created       ISO-8601 time
 *   app           {name, version}
 *   environment   {djl, pytorch, java, os, device, precision}
 *   seed          the seed
 *   model         {name, source-checkpoint, source-sha256, config}
 *   data          the data manifest (files with SHA-256 and counts, window and split options with the seed,
 *                 held-out records, record/base/window counts), as {@code DatasetManifest.toJson()} writes it
 *   settings      every setting's resolved value, the preset, which ones the user set
 *   plan          the data-dependent numbers (planned steps, warm-up, evaluation and checkpoint intervals)
 *   trainable     {method, tensors, values}
 * </pre>
 */
final class RunRecord {

    static final String FORMAT = "evo2wb-run/1";

    private RunRecord() {
    }

    static JsonObject create(FineTuneRun run, TrainingPlan plan, Map<String, NDArray> trainable) {
        FineTuneSettings s = run.settings;
        JsonObject o = new JsonObject();
        o.addProperty("format", FORMAT);
        o.addProperty("created", Instant.now().toString());
        JsonObject app = new JsonObject();
        app.addProperty("name", "Evo2 Workbench");
        app.addProperty("version", run.appVersion);
        o.add("app", app);
        JsonObject env = new JsonObject();
        env.addProperty("djl", Engine.getDjlVersion());
        env.addProperty("engine", Engine.getInstance().getEngineName());
        env.addProperty("pytorch", Engine.getInstance().getVersion());
        env.addProperty("java", System.getProperty("java.version"));
        env.addProperty("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        env.addProperty("device", run.model.manager().getDevice().toString());
        env.addProperty("precision", s.text(FineTuneParameters.PRECISION));
        o.add("environment", env);
        o.addProperty("seed", s.get(FineTuneParameters.SEED));
        o.add("model", run.modelDescription.toJson());
        o.add("data", JsonParser.parseString(run.manifest.toJson()));
        o.add("settings", s.toJson());
        o.add("plan", plan.toJson());
        JsonObject t = new JsonObject();
        t.addProperty("method", s.get(FineTuneParameters.METHOD).key());
        t.addProperty("tensors", trainable.size());
        t.addProperty("values", trainable.values().stream().mapToLong(a -> a.getShape().size()).sum());
        o.add("trainable", t);
        return o;
    }

    /** Refuses to resume with other starting weights or other data than the run recorded. */
    static void checkResumable(RunFolder folder, FineTuneRun run) throws IOException {
        String where = folder.dir().resolve(RunFolder.RECORD).toString();
        JsonObject record = folder.readRecord();
        ModelDescription recorded = ModelDescription.fromJson(record.getAsJsonObject("model"));
        if (!recorded.sourceSha256().equalsIgnoreCase(run.modelDescription.sourceSha256())) {
            throw new TrainingFailedException(Kind.RESUME, where + ": the run started from " + recorded.name()
                    + " (SHA-256 " + recorded.sourceSha256() + ") but the model given now has SHA-256 "
                    + run.modelDescription.sourceSha256() + "; resume with the same starting checkpoint");
        }
        JsonObject was = record.getAsJsonObject("data");
        JsonObject now = JsonParser.parseString(run.manifest.toJson()).getAsJsonObject();
        JsonArray wasFiles = was.getAsJsonArray("files");
        JsonArray nowFiles = now.getAsJsonArray("files");
        for (int i = 0; i < wasFiles.size(); i++) {
            JsonObject f = wasFiles.get(i).getAsJsonObject();
            String sha = f.get("sha256").getAsString();
            if (i >= nowFiles.size() || !sha.equals(nowFiles.get(i).getAsJsonObject().get("sha256").getAsString())) {
                throw new TrainingFailedException(Kind.RESUME, where + ": data file " + f.get("path").getAsString()
                        + " has changed or is missing since the run started (SHA-256 was " + sha + ")");
            }
        }
        long trainWindows = was.getAsJsonObject("counts").get("trainWindows").getAsLong();
        long validationWindows = was.getAsJsonObject("counts").get("validationWindows").getAsLong();
        if (wasFiles.size() != nowFiles.size() || trainWindows != run.train.size()
                || validationWindows != run.validation.size()) {
            throw new TrainingFailedException(Kind.RESUME, where + ": the run had " + trainWindows + " training and "
                    + validationWindows + " validation windows from " + wasFiles.size() + " files; now there are "
                    + run.train.size() + " and " + run.validation.size() + " from " + nowFiles.size()
                    + ". Build the data with the run's settings.");
        }
    }
}
