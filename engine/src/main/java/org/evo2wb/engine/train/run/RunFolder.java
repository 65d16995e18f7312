package org.evo2wb.engine.train.run;

import org.evo2wb.engine.io.AtomicFiles;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A self-describing fine-tuning run on disk:
 *
 * <pre>
 *   run.json        what was run: model (config, source checkpoint SHA-256), resolved settings and plan, data
 *                   manifest (files, SHA-256, counts, split seed), versions of app / DJL / PyTorch, device,
 *                   precision, seed
 *   status.json     running | finished | failed | cancelled, with a message for the user
 *   metrics.csv     one row per step (see {@link MetricsLog})
 *   checkpoints/    resumable checkpoints, the best one, latest.json (see {@link CheckpointStore})
 *   adapter/        LoRA runs: the adapter in PEFT layout (adapter_model.safetensors, adapter_config.json)
 * </pre>
 *
 * Every file is replaced atomically ({@link AtomicFiles}) except metrics.csv, which is appended line by line.
 */
public final class RunFolder {

    public static final String RECORD = "run.json";
    public static final String STATUS = "status.json";
    public static final String METRICS = "metrics.csv";
    public static final String CHECKPOINTS = "checkpoints";
    public static final String ADAPTER = "adapter";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().create();

    private final Path dir;
    private final CheckpointStore checkpoints;

    public RunFolder(Path dir) {
        this.dir = dir;
        this.checkpoints = new CheckpointStore(dir.resolve(CHECKPOINTS));
    }

    public Path dir() {
        return dir;
    }

    /**
     * Creates the folder if needed and proves that a file can be written, synced and renamed there.
     *
     * @throws IOException with a message naming the folder when it cannot
     */
    public void checkWritable() throws IOException {
        try {
            Files.createDirectories(dir);
            Path probe = dir.resolve(".write-test");
            AtomicFiles.writeString(probe, "ok");
            Files.delete(probe);
        } catch (IOException e) {
            throw new IOException("cannot write to the run folder " + dir + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        }
    }

    /** Usable bytes on the disk holding the folder (the folder must exist). */
    public long usableSpace() throws IOException {
        return Files.getFileStore(dir).getUsableSpace();
    }

    public boolean hasRecord() {
        return Files.exists(dir.resolve(RECORD));
    }

    public void writeRecord(JsonObject record) throws IOException {
        AtomicFiles.writeString(dir.resolve(RECORD), GSON.toJson(record));
    }

    public JsonObject readRecord() throws IOException {
        return readJson(dir.resolve(RECORD));
    }

    public void writeStatus(RunStatus status) throws IOException {
        AtomicFiles.writeString(dir.resolve(STATUS), GSON.toJson(status.toJson()));
    }

    public RunStatus readStatus() throws IOException {
        Path f = dir.resolve(STATUS);
        try {
            return RunStatus.fromJson(readJson(f));
        } catch (RuntimeException e) {
            throw new IOException(f + ": not a valid run status: " + e.getMessage(), e);
        }
    }

    public Path metricsFile() {
        return dir.resolve(METRICS);
    }

    public CheckpointStore checkpoints() {
        return checkpoints;
    }

    public Path adapterDir() {
        return dir.resolve(ADAPTER);
    }

    static JsonObject readJson(Path file) throws IOException {
        try {
            return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IllegalStateException | com.google.gson.JsonParseException e) {
            throw new IOException(file + ": not valid JSON: " + e.getMessage(), e);
        }
    }
}
