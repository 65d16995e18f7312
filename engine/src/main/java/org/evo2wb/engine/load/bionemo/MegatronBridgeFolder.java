package org.evo2wb.engine.load.bionemo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.evo2wb.engine.checkpoint.CheckpointFormatException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * A Megatron Bridge checkpoint folder as BioNeMo's Evo 2 recipe writes it: the top folder (with
 * {@code latest_checkpointed_iteration.txt} and {@code iter_NNNNNNN/} folders) or one {@code iter_NNNNNNN} folder
 * (holding {@code .metadata}, the {@code __R_N.distcp} shards and {@code run_config.yaml}). The top folder opens the
 * iteration that {@code latest_checkpointed_iteration.txt} names, else its last {@code iter_*} folder (the recipe's
 * {@code load_mbridge_state_dict} does the same).
 *
 * @param iterDir   the iteration folder read
 * @param runConfig {@code run_config.yaml} of that iteration (plain maps, lists and scalars)
 */
record MegatronBridgeFolder(Path iterDir, Map<String, Object> runConfig) {

    static final String LATEST = "latest_checkpointed_iteration.txt";

    /** True when {@code path} is such a folder (checked by its files, nothing is parsed). */
    static boolean looksLike(Path path) {
        if (!Files.isDirectory(path)) {
            return false;
        }
        if (Files.isRegularFile(path.resolve(".metadata")) && isIterName(path)) {
            return true;
        }
        return Files.isRegularFile(path.resolve(LATEST)) || !iterDirs(path).isEmpty();
    }

    /** Finds the iteration folder of {@code path} and reads its run config. */
    static MegatronBridgeFolder open(Path path) throws IOException {
        Path dir = path.toAbsolutePath().normalize();
        Path iter;
        if (isIterName(dir)) {
            iter = dir;
        } else if (Files.isRegularFile(dir.resolve(LATEST))) {
            String text = Files.readString(dir.resolve(LATEST), StandardCharsets.UTF_8).trim();
            long n;
            try {
                n = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new CheckpointFormatException(dir.resolve(LATEST) + ": '" + text + "' is not an iteration "
                        + "number");
            }
            iter = dir.resolve(String.format("iter_%07d", n));
            if (!Files.isDirectory(iter)) {
                throw new CheckpointFormatException(dir.resolve(LATEST) + " names iteration " + n + ", but "
                        + iter.getFileName() + " is missing");
            }
        } else {
            List<Path> iters = iterDirs(dir);
            if (iters.isEmpty()) {
                throw new CheckpointFormatException(dir + ": no iter_* folders and no " + LATEST
                        + "; not a Megatron Bridge checkpoint");
            }
            iter = iters.get(iters.size() - 1);
        }
        return new MegatronBridgeFolder(iter, readRunConfig(iter));
    }

    /** The {@code model:} section of the run config. */
    Map<String, Object> model() throws CheckpointFormatException {
        Object m = runConfig.get("model");
        if (!(m instanceof Map<?, ?> map)) {
            throw new CheckpointFormatException(iterDir.resolve("run_config.yaml") + ": no 'model' section");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> out = (Map<String, Object>) map;
        return out;
    }

    /** The {@code peft:} section, when the run trained adapters. */
    Optional<Map<String, Object>> peft() {
        Object p = runConfig.get("peft");
        if (p instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked")
            Map<String, Object> out = (Map<String, Object>) map;
            return Optional.of(out);
        }
        return Optional.empty();
    }

    /** {@code checkpoint.pretrained_checkpoint}: the model a fine-tuning run started from, as recorded. */
    Optional<String> pretrainedCheckpoint() {
        if (runConfig.get("checkpoint") instanceof Map<?, ?> c && c.get("pretrained_checkpoint") instanceof String s
                && !s.isBlank()) {
            return Optional.of(s);
        }
        return Optional.empty();
    }

    /** The run config file, for messages. */
    Path runConfigFile() {
        return iterDir.resolve("run_config.yaml");
    }

    private static boolean isIterName(Path p) {
        return p.getFileName() != null && p.getFileName().toString().matches("iter_\\d+");
    }

    private static List<Path> iterDirs(Path dir) {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> isIterName(p) && Files.isDirectory(p)).sorted().forEach(out::add);
        } catch (IOException e) {
            return List.of();
        }
        return out;
    }

    private static Map<String, Object> readRunConfig(Path iter) throws IOException {
        Path file = iter.resolve("run_config.yaml");
        if (!Files.isRegularFile(file)) {
            throw new CheckpointFormatException(iter + ": no run_config.yaml; the model's shape (layer pattern, "
                    + "heads) is recorded there");
        }
        Object loaded;
        try {
            loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file,
                    StandardCharsets.UTF_8));
        } catch (YAMLException e) {
            throw new CheckpointFormatException(file + ": not readable as YAML (" + e.getMessage() + ")");
        }
        if (!(loaded instanceof Map<?, ?> m)) {
            throw new CheckpointFormatException(file + ": expected a mapping of sections");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> out = (Map<String, Object>) m;
        return Collections.unmodifiableMap(out);
    }
}
