package org.evo2wb.engine.load;

import ai.djl.Device;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.evo2wb.engine.checkpoint.CheckpointFile;
import org.evo2wb.engine.checkpoint.Checkpoints;
import org.evo2wb.engine.config.Evo2Config;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.train.FineTunedModel;
import org.evo2wb.engine.train.run.ModelDescription;

/**
 * A model as a user names it, and how that name becomes weights plus a config.
 *
 * <ul>
 *   <li>a weights file: {@code NAME.pt}, the first shard {@code NAME.pt.part0} of a byte-sharded file, or
 *       {@code NAME.safetensors};</li>
 *   <li>a fine-tuning run folder (it holds {@code run.json}): the run's starting model with its trained weights,
 *       see {@link FineTunedModel};</li>
 *   <li>{@code default}: the model bundled with the workbench, in the folder named by the system property
 *       {@value #DEFAULT_PROPERTY} or else on the class path under {@value #DEFAULT_RESOURCES}
 *       ({@code model.safetensors} or {@code model.pt}, with {@code config.yml}).</li>
 * </ul>
 *
 * The config of a weights file is, in this order: the {@code config} given (a YAML file, or the name of a bundled
 * preset such as {@code evo2-7b-8k}), the {@code preset} given, a YAML next to the weights ({@code NAME.yml},
 * {@code NAME.yaml}, {@code config.yml}, {@code config.yaml}), or the first bundled preset whose shapes the file's
 * tensors fit. A run folder always uses the config recorded in it.
 *
 * @param model  what the user wrote for the model
 * @param config a config YAML file or a preset name, or null
 * @param preset a bundled preset name, or null
 */
public record ModelSpec(String model, String config, String preset) {

    /** System property naming the folder of the bundled default model. */
    public static final String DEFAULT_PROPERTY = "evo2wb.defaultModel";
    /** Class-path folder of the bundled default model. */
    public static final String DEFAULT_RESOURCES = "org/evo2wb/assets/default-model/";

    private static final List<String> DEFAULT_WEIGHTS = List.of("model.safetensors", "model.pt");

    /** What kind of source a name resolved to. */
    public enum Kind { FILE, DEFAULT, RUN }

    /**
     * A resolved model: where its weights and config are.
     *
     * @param kind what sort of source
     * @param name what messages call it
     * @param weights the weights file (the starting checkpoint for a run folder)
     * @param config the config (from a run folder: the recorded one)
     * @param configOrigin where the config came from, in words
     * @param runFolder the run folder, or null
     */
    public record Resolved(Kind kind, String name, Path weights, Evo2Config config, String configOrigin,
                           Path runFolder) {

        /** The model's context length ({@code max_seqlen} of its config). */
        public int contextLength() {
            return config.maxSeqlen();
        }

        /** Loads the model; a fine-tuned LoRA model is merged. */
        public StripedHyena load(Device device, Precision precision) throws IOException {
            if (kind == Kind.RUN) {
                return FineTunedModel.load(runFolder, device, precision, true).model();
            }
            return StripedHyena.load(weights, config, device, precision);
        }

        /**
         * How a fine-tuning run records this model (computes the weights' SHA-256).
         *
         * @throws IOException for a run folder: fine-tuning continues from files, not from another run
         */
        public ModelDescription describe() throws IOException {
            if (kind == Kind.RUN) {
                throw new IOException(runFolder + " is a fine-tuning run folder: to continue that run, resume it; to "
                        + "fine-tune its result further, export it as a .pt file first and start from that file");
            }
            String modelName = config.modelName().isBlank() ? stem(weights.getFileName().toString())
                    : config.modelName();
            return ModelDescription.of(modelName, config, weights);
        }
    }

    /** Finds the weights and the config; reads only the weights' header. */
    public Resolved resolve() throws IOException {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("no model given: name a .pt, .pt.part0 or .safetensors file, a "
                    + "fine-tuning run folder, or 'default'");
        }
        if (model.equals("default")) {
            Path folder = defaultFolder().orElseThrow(() -> new IOException("the bundled default model is not "
                    + "installed in this build (looked for " + DEFAULT_RESOURCES + "model.safetensors or model.pt on "
                    + "the class path, and the system property " + DEFAULT_PROPERTY + "); name a checkpoint file"));
            Path weights = DEFAULT_WEIGHTS.stream().map(folder::resolve).filter(Files::isRegularFile).findFirst()
                    .orElseThrow(() -> new IOException(folder + ": no model.safetensors or model.pt here"));
            return fileModel(Kind.DEFAULT, "the bundled default model", weights);
        }
        Path path = Path.of(model);
        if (Files.isDirectory(path)) {
            if (!FineTunedModel.isRunFolder(path)) {
                throw new IOException(path + ": a folder without run.json; name a weights file or a fine-tuning run "
                        + "folder");
            }
            if (config != null || preset != null) {
                throw new IllegalArgumentException(path + " is a fine-tuning run folder: it uses the config recorded "
                        + "in its run.json, so leave out --config and --preset");
            }
            Evo2Config c = FineTunedModel.config(path);
            Path start = Path.of(FineTunedModel.description(path).sourceCheckpoint());
            return new Resolved(Kind.RUN, path.getFileName().toString(), start, c, "recorded in run.json", path);
        }
        boolean shard = path.getFileName().toString().matches(".*\\.part\\d+");
        if (!shard && !Files.isRegularFile(path)) {
            throw new IOException(path + ": no such file or folder");
        }
        return fileModel(Kind.FILE, path.getFileName().toString(), path);
    }

    private Resolved fileModel(Kind kind, String name, Path weights) throws IOException {
        if (config != null) {
            Path file = Path.of(config);
            if (Files.isRegularFile(file)) {
                return new Resolved(kind, name, weights, Evo2Config.load(file), file.getFileName().toString(), null);
            }
            if (Evo2Config.PRESETS.contains(config)) {
                return new Resolved(kind, name, weights, Evo2Config.preset(config), "preset " + config, null);
            }
            throw new IOException(config + ": no such config file, and not a bundled preset (" + String.join(", ",
                    Evo2Config.PRESETS) + ")");
        }
        if (preset != null) {
            if (!Evo2Config.PRESETS.contains(preset)) {
                throw new IllegalArgumentException("unknown preset '" + preset + "'; known: "
                        + String.join(", ", Evo2Config.PRESETS));
            }
            return new Resolved(kind, name, weights, Evo2Config.preset(preset), "preset " + preset, null);
        }
        Path dir = weights.toAbsolutePath().getParent();
        String stem = stem(weights.getFileName().toString());
        for (String n : List.of(stem + ".yml", stem + ".yaml", "config.yml", "config.yaml")) {
            Path p = dir.resolve(n);
            if (Files.isRegularFile(p)) {
                return new Resolved(kind, name, weights, Evo2Config.load(p), n + " next to the weights", null);
            }
        }
        Map<String, long[]> shapes;
        try (CheckpointFile f = Checkpoints.open(weights)) {
            shapes = f.shapes();
        }
        List<String> fits = Evo2Config.presetsMatching(shapes);
        if (fits.isEmpty()) {
            throw new IOException(weights + ": no config next to the weights (" + stem + ".yml or config.yml) and "
                    + "the tensor shapes fit no bundled preset; give the model's config YAML with --config");
        }
        return new Resolved(kind, name, weights, Evo2Config.preset(fits.get(0)),
                "preset " + fits.get(0) + ", inferred from the tensor shapes", null);
    }

    /** The file name without {@code .pt}, {@code .pt.partN} or {@code .safetensors}. */
    static String stem(String fileName) {
        return fileName.replaceFirst("\\.pt\\.part\\d+$", "").replaceFirst("\\.(pt|safetensors)$", "");
    }

    /** The folder of the bundled default model, copying it out of a jar when needed. */
    static Optional<Path> defaultFolder() throws IOException {
        String override = System.getProperty(DEFAULT_PROPERTY);
        if (override != null && !override.isBlank()) {
            return Optional.of(Path.of(override));
        }
        ClassLoader loader = ModelSpec.class.getClassLoader();
        for (String w : DEFAULT_WEIGHTS) {
            URL url = loader.getResource(DEFAULT_RESOURCES + w);
            if (url == null) {
                continue;
            }
            if (url.getProtocol().equals("file")) {
                try {
                    return Optional.of(Path.of(url.toURI()).getParent());
                } catch (URISyntaxException e) {
                    throw new IOException(url + ": " + e.getMessage(), e);
                }
            }
            Path dir = Files.createTempDirectory("evo2wb-default-model");
            for (String name : List.of(w, "config.yml")) {
                try (InputStream in = loader.getResourceAsStream(DEFAULT_RESOURCES + name)) {
                    if (in != null) {
                        Path target = dir.resolve(name);
                        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                        target.toFile().deleteOnExit();
                    }
                }
            }
            dir.toFile().deleteOnExit();
            return Optional.of(dir);
        }
        return Optional.empty();
    }
}
