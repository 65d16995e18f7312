package org.evo2wb.engine.train.run;

import org.evo2wb.engine.io.AtomicFiles;
import org.evo2wb.engine.io.OutputFiles;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.Safetensors;
import org.evo2wb.engine.checkpoint.TensorInfo;
import org.evo2wb.engine.checkpoint.TensorSource;

/**
 * The {@code checkpoints/} folder of a run:
 *
 * <pre>
 *   step-00000010/   trainable.safetensors   (trained weights, fp32, checkpoint key names)
 *                    optimizer.safetensors   (AdamW moments exp_avg.&lt;key&gt;, exp_avg_sq.&lt;key&gt;)
 *                    state.json              (loop state; written last)
 *   best/            trainable.safetensors, state.json   (lowest validation loss; no optimiser state)
 *   latest.json      {"step": 10, "dir": "step-00000010"}   (for people and tools; resume scans the folders)
 * </pre>
 *
 * A checkpoint is written into a hidden temporary directory, synced, and renamed into place; only then does
 * {@code latest.json} move to it and are old ones deleted. A crash at any moment leaves the previous checkpoint
 * intact, and {@link #latest()} finds the newest complete one. Tensors are fetched one at a time from their
 * {@link TensorSource} while writing, so even a full fine-tune never holds all weights on the host at once.
 */
public final class CheckpointStore {

    /** Tensors to write: their layout, and where each one comes from when it is written. */
    public record Contents(Map<String, TensorInfo> layout, TensorSource source) {
    }

    /** A checkpoint on disk, with its state read; tensors are read on demand. */
    public record Loaded(long step, Path dir, JsonObject state) {

        public Path weightsFile() {
            return dir.resolve(WEIGHTS);
        }

        /** The optimiser state file ({@code best/} has none). */
        public Path optimizerFile() {
            return dir.resolve(OPTIMIZER);
        }

        /** All trained weights in memory (for small adapters and tests; the loop streams instead). */
        public Map<String, HostTensor> weights() throws IOException {
            return Safetensors.read(weightsFile());
        }
    }

    public static final String WEIGHTS = "trainable.safetensors";
    public static final String OPTIMIZER = "optimizer.safetensors";

    private static final Pattern STEP_DIR = Pattern.compile("step-(\\d+)");
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().create();

    private final Path dir;

    public CheckpointStore(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** Creates the folder and removes temporary directories left by a crash. */
    public void prepare() throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                if (p.getFileName().toString().startsWith(".")) {
                    AtomicFiles.deleteTree(p);
                }
            }
        }
    }

    public static String stepName(long step) {
        return String.format("step-%08d", step);
    }

    /** Writes a resumable checkpoint and points {@code latest.json} at it. */
    public Path save(long step, Contents weights, Contents optimizer, JsonObject state) throws IOException {
        Path target = dir.resolve(stepName(step));
        try {
            writeDirectory(target, weights, optimizer, state);
        } catch (IOException e) {
            throw OutputFiles.isWriteFailure(e) ? OutputFiles.failure(target, e) : e;
        }
        JsonObject latest = new JsonObject();
        latest.addProperty("step", step);
        latest.addProperty("dir", target.getFileName().toString());
        AtomicFiles.writeString(dir.resolve("latest.json"), GSON.toJson(latest));
        return target;
    }

    /** Replaces {@code best/} with these weights. */
    public Path saveBest(Contents weights, JsonObject state) throws IOException {
        Path target = dir.resolve("best");
        Path fresh = AtomicFiles.temporarySibling(target);
        try {
            writeFiles(fresh, weights, null, state);
            AtomicFiles.replaceDirectory(fresh, target);
        } catch (IOException e) {
            throw OutputFiles.isWriteFailure(e) ? OutputFiles.failure(target, e) : e;
        } finally {
            AtomicFiles.deleteTree(fresh);
        }
        return target;
    }

    private void writeDirectory(Path target, Contents weights, Contents optimizer, JsonObject state)
            throws IOException {
        Path tmp = AtomicFiles.temporarySibling(target);
        try {
            writeFiles(tmp, weights, optimizer, state);
            AtomicFiles.deleteTree(target);
            AtomicFiles.publishDirectory(tmp, target);
        } finally {
            AtomicFiles.deleteTree(tmp);
        }
    }

    private void writeFiles(Path tmp, Contents weights, Contents optimizer, JsonObject state) throws IOException {
        Files.createDirectories(tmp);
        Path w = tmp.resolve(WEIGHTS);
        Safetensors.write(w, weights.layout(), weights.source(), Map.of("content", "trained weights"));
        AtomicFiles.fsync(w);
        if (optimizer != null) {
            Path o = tmp.resolve(OPTIMIZER);
            Safetensors.write(o, optimizer.layout(), optimizer.source(), Map.of("content", "AdamW state"));
            AtomicFiles.fsync(o);
        }
        Path s = tmp.resolve("state.json");
        OutputFiles.writeString(s, GSON.toJson(state));
        AtomicFiles.fsync(s);
    }

    /** Steps of the complete resumable checkpoints on disk, ascending. */
    public List<Long> steps() throws IOException {
        List<Long> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Matcher m = STEP_DIR.matcher(p.getFileName().toString());
                if (m.matches() && Files.exists(p.resolve("state.json"))) {
                    out.add(Long.parseLong(m.group(1)));
                }
            }
        }
        out.sort(null);
        return out;
    }

    /** Deletes all but the newest {@code keep} resumable checkpoints. */
    public void prune(int keep) throws IOException {
        List<Long> steps = steps();
        for (int i = 0; i < steps.size() - keep; i++) {
            AtomicFiles.deleteTree(dir.resolve(stepName(steps.get(i))));
        }
    }

    /** The newest complete resumable checkpoint, if any. */
    public Optional<Loaded> latest() throws IOException {
        List<Long> steps = steps();
        if (steps.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(load(dir.resolve(stepName(steps.get(steps.size() - 1)))));
    }

    /** The best checkpoint, if one was kept. */
    public Optional<Loaded> best() throws IOException {
        Path b = dir.resolve("best");
        if (!Files.exists(b.resolve("state.json"))) {
            b = AtomicFiles.oldSibling(b);   // a crash between the two renames of saveBest
            if (!Files.exists(b.resolve("state.json"))) {
                return Optional.empty();
            }
        }
        return Optional.of(load(b));
    }

    public Loaded load(Path checkpoint) throws IOException {
        Path stateFile = checkpoint.resolve("state.json");
        JsonObject state;
        try {
            state = JsonParser.parseString(Files.readString(stateFile, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IOException(stateFile + ": not a valid checkpoint state: " + e.getMessage(), e);
        }
        return new Loaded(state.getAsJsonObject("loop").get("step").getAsLong(), checkpoint, state);
    }
}
