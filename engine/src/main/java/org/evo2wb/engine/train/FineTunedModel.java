package org.evo2wb.engine.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.evo2wb.engine.checkpoint.Safetensors;
import org.evo2wb.engine.config.Evo2Config;
import org.evo2wb.engine.config.Evo2ConfigJson;
import org.evo2wb.engine.lora.Lora;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.train.run.CheckpointStore;
import org.evo2wb.engine.train.run.ModelDescription;
import org.evo2wb.engine.train.run.RunFolder;

/**
 * The model a fine-tuning run produced, rebuilt from its run folder: the starting checkpoint named in
 * {@code run.json} (with the config recorded there), the run's method applied as during training (LoRA adapters on
 * the same layers), then the trained tensors of the best checkpoint (or, when none was kept, the newest one) copied
 * in. A LoRA model is merged on request, giving plain Evo 2 weights.
 *
 * @param model the model (the caller closes it)
 * @param settings the run's recorded settings
 * @param description the starting model as recorded
 * @param step the training step of the checkpoint used
 * @param checkpoint the checkpoint folder used
 * @param best whether it is the best checkpoint (lowest validation loss)
 */
public record FineTunedModel(StripedHyena model, FineTuneSettings settings, ModelDescription description, long step,
                             Path checkpoint, boolean best) {

    /** True when {@code folder} holds a run record. */
    public static boolean isRunFolder(Path folder) {
        return Files.isDirectory(folder) && new RunFolder(folder).hasRecord();
    }

    /** The run's starting model and config as recorded. */
    public static ModelDescription description(Path folder) throws IOException {
        RunFolder f = new RunFolder(folder);
        if (!f.hasRecord()) {
            throw new IOException(folder + ": no " + RunFolder.RECORD + " here, so this is not a fine-tuning run folder");
        }
        com.google.gson.JsonObject model = f.readRecord().getAsJsonObject("model");
        if (model == null) {
            throw new IOException(folder.resolve(RunFolder.RECORD) + ": no \"model\" object");
        }
        return ModelDescription.fromJson(model);
    }

    /** The config recorded in the run folder. */
    public static Evo2Config config(Path folder) throws IOException {
        return Evo2ConfigJson.fromJson(description(folder).config(),
                folder.resolve(RunFolder.RECORD) + " (model config)");
    }

    /**
     * Loads the fine-tuned model.
     *
     * @param merge fold LoRA adapters into the base weights (no effect for other methods)
     */
    public static FineTunedModel load(Path folder, Device device, Precision precision, boolean merge)
            throws IOException {
        ModelDescription description = description(folder);
        Evo2Config config = config(folder);
        FineTuneSettings settings = FineTuneRun.readSettings(folder);
        CheckpointStore store = new RunFolder(folder).checkpoints();
        Optional<CheckpointStore.Loaded> best = store.best();
        Optional<CheckpointStore.Loaded> chosen = best.isPresent() ? best : store.latest();
        if (chosen.isEmpty()) {
            throw new IOException(folder + ": the run has no checkpoint yet (" + folder.resolve(RunFolder.CHECKPOINTS)
                    + " is empty); resume it or wait for its first checkpoint");
        }
        Path source = Path.of(description.sourceCheckpoint());
        if (!Files.exists(source)) {
            throw new IOException(folder.resolve(RunFolder.RECORD) + ": the starting checkpoint " + source
                    + " of this run is missing; fine-tuned weights are stored relative to it");
        }
        StripedHyena base = StripedHyena.load(source, config, device, precision);
        try {
            Evo2Model prepared = Evo2Model.prepare(base, settings);
            Map<String, NDArray> params = prepared.parameters();
            Path weights = chosen.get().weightsFile();
            try (Safetensors file = Safetensors.open(weights)) {
                for (String key : file.infos().keySet()) {
                    NDArray target = params.get(key);
                    if (target == null) {
                        throw new IOException(weights + ": tensor " + key + " belongs to no parameter of the model");
                    }
                    Tensors.copyInto(target, file.tensor(key), weights + ": " + key);
                }
            }
            prepared.setTraining(false);
            if (merge) {
                Lora.mergeAndUnload(base);
            }
            return new FineTunedModel(base, settings, description, chosen.get().step(), chosen.get().dir(),
                    best.isPresent());
        } catch (IOException | RuntimeException e) {
            base.close();
            throw e;
        }
    }
}
