package org.evo2wb.engine.load;

import ai.djl.Device;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.evo2wb.engine.checkpoint.CheckpointFile;
import org.evo2wb.engine.checkpoint.Integrity;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.load.bionemo.BioNeMoCheckpoint;
import org.evo2wb.engine.model.MasterWeights;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.train.run.FineTunedModel;
import org.evo2wb.engine.train.run.ModelDescription;

/**
 * A model as a user names it, and how that name becomes weights plus a config.
 *
 * <ul>
 *   <li>a weights file: {@code NAME.pt}, the first shard {@code NAME.pt.part0} of a byte-sharded file, or
 *       {@code NAME.safetensors};</li>
 *   <li>a fine-tuning run folder (it holds {@code run.json}): the run's starting model with its trained weights,
 *       see {@link FineTunedModel};</li>
 *   <li>{@code default}: the model bundled with the workbench, found by {@link DefaultModel}.</li>
 *   <li>a checkpoint of NVIDIA BioNeMo's Evo 2 recipe ({@link BioNeMoCheckpoint}): a Megatron Bridge folder (top or
 *       {@code iter_NNNNNNN}; a LoRA one is combined with {@code baseModel}, else the base its run config records),
 *       or a Savanna folder or {@code mp_rank_00_model_states.pt}. A Megatron Bridge folder's config is its
 *       {@code run_config.yaml} unless one is given.</li>
 * </ul>
 *
 * The config of a weights file is, in this order: the {@code config} given (a YAML file, or the name of a bundled
 * preset such as {@code evo2-7b-8k}), a YAML next to the weights
 * ({@link ModelFiles#configNextTo}), or the first bundled preset whose shapes the file's
 * tensors fit. A run folder always uses the config recorded in it.
 *
 * @param model  what the user wrote for the model
 * @param config a config YAML file or a preset name, or null
 * @param integrity whether a {@code .pt} file's CRC-32 checksums are checked as it loads ({@link Integrity})
 * @param baseModel the base model folder of a BioNeMo LoRA checkpoint, or null (then the recorded one)
 */
public record ModelSpec(String model, String config, Integrity integrity, String baseModel) {

    /** A model whose {@code .pt} checksums are checked (the default). */
    public ModelSpec(String model, String config) {
        this(model, config, Integrity.CHECKED);
    }

    /** A model that is not a BioNeMo LoRA checkpoint with a base of the user's choosing. */
    public ModelSpec(String model, String config, Integrity integrity) {
        this(model, config, integrity, null);
    }

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
     * @param integrity whether the weights' checksums are checked as they load
     */
    public record Resolved(Kind kind, String name, Path weights, Evo2Config config, String configOrigin,
                           Path runFolder, Integrity integrity) {

        /** The model's context length ({@code max_seqlen} of its config). */
        public int contextLength() {
            return config.maxSeqlen();
        }

        /**
         * The self-test expectations stored with the weights ({@link ModelFiles#selfTestNextTo}); empty for a
         * fine-tuning run folder and for weights without one.
         */
        public Optional<Path> selfTest() {
            return kind == Kind.RUN ? Optional.empty() : ModelFiles.selfTestNextTo(weights);
        }

        /** Loads the model for inference; a fine-tuned LoRA model is merged. */
        public StripedHyena load(Device device, Precision precision) throws IOException {
            return load(device, precision, MasterWeights.NONE);
        }

        /**
         * Loads the model with or without fp32 master weights for the linear layers (fp16-mixed); a fine-tuned LoRA
         * model is merged.
         */
        public StripedHyena load(Device device, Precision precision, MasterWeights masters) throws IOException {
            if (kind == Kind.RUN) {
                return FineTunedModel.load(runFolder, device, precision, masters, true).model();
            }
            if (isBioNeMo(weights)) {
                try (BioNeMoCheckpoint c = BioNeMoCheckpoint.open(weights, integrity, config, null)) {
                    return StripedHyena.load(c, config, device, precision, masters, (read, total) -> { });
                }
            }
            return StripedHyena.load(weights, config, device, precision, masters, integrity);
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
            if (isBioNeMo(weights)) {
                throw new IOException(weights + " is a BioNeMo checkpoint: fine-tuning here starts from a weights "
                        + "file; convert it to a .pt file with the recipe's evo2_export_mbridge_to_vortex and start "
                        + "from that file");
            }
            String modelName = config.modelName().isBlank() ? ModelFiles.stem(weights.getFileName().toString())
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
            DefaultModel.Contents bundled;
            try {
                bundled = DefaultModel.find().orElseThrow(() -> new IOException(DefaultModel.notInstalledMessage()
                        + "; name a checkpoint file"));
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            return fileModel(Kind.DEFAULT, "the bundled default model", bundled.weights());
        }
        Path path = Path.of(model);
        if (Files.isDirectory(path) && BioNeMoCheckpoint.isBioNeMoFolder(path)) {
            return bioNeMo(path);
        }
        if (baseModel != null) {
            throw new IllegalArgumentException("a base model is only for a BioNeMo LoRA checkpoint folder, and "
                    + path + " is none");
        }
        if (Files.isDirectory(path)) {
            if (!FineTunedModel.isRunFolder(path)) {
                throw new IOException(path + ": a folder without run.json; name a weights file, a fine-tuning run "
                        + "folder or a BioNeMo checkpoint folder (Megatron Bridge or Savanna)");
            }
            if (config != null) {
                throw new IllegalArgumentException(path + " is a fine-tuning run folder: it uses the config recorded "
                        + "in its run.json, so leave out --config");
            }
            Evo2Config c = FineTunedModel.config(path);
            Path start = Path.of(FineTunedModel.description(path).sourceCheckpoint());
            return new Resolved(Kind.RUN, path.getFileName().toString(), start, c, "recorded in run.json", path,
                    integrity);
        }
        boolean shard = path.getFileName().toString().matches(".*\\.part\\d+");
        if (!shard && !Files.isRegularFile(path)) {
            throw new IOException(path + ": no such file or folder");
        }
        return fileModel(Kind.FILE, path.getFileName().toString(), path);
    }

    /** A BioNeMo folder: a Savanna one is its model-state file; a Megatron Bridge one carries its config. */
    private Resolved bioNeMo(Path folder) throws IOException {
        Optional<Path> savanna = BioNeMoCheckpoint.savannaFile(folder);
        if (savanna.isPresent()) {
            return fileModel(Kind.FILE, folder.getFileName().toString(), savanna.get());
        }
        if (baseModel != null) {
            BioNeMoCheckpoint.useBaseModel(folder, Path.of(baseModel));
        }
        if (config != null) {
            return fileModel(Kind.FILE, folder.getFileName().toString(), folder);
        }
        try (BioNeMoCheckpoint c = BioNeMoCheckpoint.open(folder, integrity, null, null)) {
            return new Resolved(Kind.FILE, folder.getFileName().toString(), folder, c.config(), c.configOrigin(),
                    null, integrity);
        }
    }

    /** True for a BioNeMo checkpoint folder or a Savanna model-state file. */
    static boolean isBioNeMo(Path weights) {
        return Files.isDirectory(weights) || BioNeMoCheckpoint.isSavannaFile(weights);
    }

    private Resolved fileModel(Kind kind, String name, Path weights) throws IOException {
        if (config != null) {
            Path file = Path.of(config);
            if (Files.isRegularFile(file)) {
                return new Resolved(kind, name, weights, Evo2Config.load(file), file.getFileName().toString(), null,
                        integrity);
            }
            if (Evo2Config.PRESETS.contains(config)) {
                return new Resolved(kind, name, weights, Evo2Config.preset(config), "preset " + config, null,
                        integrity);
            }
            throw new IOException(config + ": no such config file, and not a bundled preset (" + String.join(", ",
                    Evo2Config.PRESETS) + ")");
        }
        Optional<Path> sibling = ModelFiles.configNextTo(weights);
        if (sibling.isPresent()) {
            Path p = sibling.get();
            return new Resolved(kind, name, weights, Evo2Config.load(p), p.getFileName() + " next to the weights",
                    null, integrity);
        }
        String stem = ModelFiles.stem(weights.getFileName().toString());
        Map<String, long[]> shapes;
        try (CheckpointFile f = BioNeMoCheckpoint.openAny(weights, integrity)) {
            shapes = f.shapes();
        }
        List<String> fits = Evo2Config.presetsMatching(shapes);
        if (fits.isEmpty()) {
            throw new IOException(weights + ": no config next to the weights (" + stem + ".yml or config.yml) and "
                    + "the tensor shapes fit no bundled preset; give the model's config YAML with --config");
        }
        return new Resolved(kind, name, weights, Evo2Config.preset(fits.get(0)),
                "preset " + fits.get(0) + ", inferred from the tensor shapes", null, integrity);
    }
}
