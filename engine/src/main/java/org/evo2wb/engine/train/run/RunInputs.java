package org.evo2wb.engine.train.run;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.evo2wb.engine.io.AtomicFiles;

/**
 * The sequence files a run reads, as given when it started ({@code inputs.json} in the run folder): training files
 * and separate validation files. Resuming reads them from here, so a run is continued with the same data without
 * naming the files again. A run folder without this file (written by an older version) is resumed from the file
 * list of its data manifest, all as training files.
 *
 * @param train training files, absolute
 * @param validation separate validation files, absolute (empty: validation records are split off the training files)
 */
public record RunInputs(List<Path> train, List<Path> validation) {

    public static final String FILE = "inputs.json";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    public RunInputs {
        train = train.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        validation = validation.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    public void write(Path runFolder) throws IOException {
        Files.createDirectories(runFolder);
        JsonObject o = new JsonObject();
        o.add("train", array(train));
        o.add("validation", array(validation));
        AtomicFiles.writeString(runFolder.resolve(FILE), GSON.toJson(o));
    }

    /** Reads {@code inputs.json}, or falls back to the training files of {@code run.json}'s data manifest. */
    public static RunInputs read(Path runFolder) throws IOException {
        Path f = runFolder.resolve(FILE);
        if (Files.exists(f)) {
            JsonObject o = RunFolder.readJson(f);
            return new RunInputs(paths(o, "train", f), paths(o, "validation", f));
        }
        RunFolder folder = new RunFolder(runFolder);
        if (!folder.hasRecord()) {
            throw new IOException(runFolder + ": no " + RunFolder.RECORD + " here, so there is no run to resume");
        }
        JsonObject data = folder.readRecord().getAsJsonObject("data");
        if (data == null) {
            throw new IOException(runFolder.resolve(RunFolder.RECORD) + ": no \"data\" object naming the files");
        }
        List<Path> files = new ArrayList<>();
        for (JsonElement e : data.getAsJsonArray("files")) {
            files.add(Path.of(e.getAsJsonObject().get("path").getAsString()));
        }
        return new RunInputs(files, List.of());
    }

    private static JsonArray array(List<Path> paths) {
        JsonArray a = new JsonArray();
        paths.forEach(p -> a.add(p.toString()));
        return a;
    }

    private static List<Path> paths(JsonObject o, String key, Path file) throws IOException {
        JsonArray a = o.getAsJsonArray(key);
        if (a == null) {
            throw new IOException(file + ": no \"" + key + "\" list");
        }
        List<Path> out = new ArrayList<>();
        a.forEach(e -> out.add(Path.of(e.getAsString())));
        return out;
    }
}
