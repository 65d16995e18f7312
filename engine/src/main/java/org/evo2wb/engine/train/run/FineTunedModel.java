package org.evo2wb.engine.train.run;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.evo2wb.engine.checkpoint.Safetensors;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.model.Evo2ConfigJson;
import org.evo2wb.engine.lora.Lora;
import org.evo2wb.engine.model.MasterWeights;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.train.FineTuneRun;
import org.evo2wb.engine.train.Tensors;
import org.evo2wb.engine.train.TrainableStripedHyena;
import org.evo2wb.engine.train.settings.FineTuneMethod;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.FineTuneSettings;

/**
 * The model a fine-tuning run produced, rebuilt from its run folder: the starting checkpoint named in
 * {@code run.json} (with the config recorded there), the run's method applied as during training (LoRA adapters on
 * the same layers), then the trained tensors of the best checkpoint (or, when none was kept, the newest one) copied
 * in. A LoRA model is merged on request, giving plain Evo 2 weights.
 *
 * @param model the model (closed with this record)
 * @param settings the run's recorded settings
 * @param description the starting model as recorded
 * @param step the training step of the checkpoint used
 * @param checkpoint the checkpoint folder used
 * @param best whether it is the best checkpoint (lowest validation loss)
 */
public record FineTunedModel(StripedHyena model, FineTuneSettings settings, ModelDescription description, long step,
                             Path checkpoint, boolean best) implements AutoCloseable {

    /** Frees the model. */
    @Override
    public void close() {
        model.close();
    }

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
     * Writes the LoRA adapter of a run in PEFT layout ({@code adapter_model.safetensors}, {@code
     * adapter_config.json}) from the same checkpoint {@link #load} uses: the best one, else the newest.
     *
     * @return the step of the checkpoint written
     * @throws IOException when the run is not a LoRA run or has no checkpoint
     */
    public static long writeAdapter(Path folder, Path out) throws IOException {
        FineTuneSettings s = FineTuneRun.readSettings(folder);
        if (s.get(FineTuneParameters.METHOD) != FineTuneMethod.LORA) {
            throw new IOException(folder + ": a " + s.get(FineTuneParameters.METHOD).key() + " run has no LoRA "
                    + "adapter; export the model as .pt or .safetensors instead");
        }
        CheckpointStore.Loaded c = chosen(folder);
        String suffix = ".lora_A.weight";
        try (Safetensors w = Safetensors.open(c.weightsFile())) {
            java.util.List<String> modules = w.infos().keySet().stream().filter(k -> k.endsWith(suffix))
                    .map(k -> k.substring(0, k.length() - suffix.length())).toList();
            org.evo2wb.engine.lora.PeftAdapter.Config config = new org.evo2wb.engine.lora.PeftAdapter.Config(
                    description(folder).name(), s.get(FineTuneParameters.LORA_RANK),
                    s.get(FineTuneParameters.LORA_ALPHA), s.get(FineTuneParameters.LORA_DROPOUT), modules);
            org.evo2wb.engine.lora.PeftAdapter.write(out, config, w.infos(), w::tensor);
        }
        return c.step();
    }

    private static CheckpointStore.Loaded chosen(Path folder) throws IOException {
        CheckpointStore store = new RunFolder(folder).checkpoints();
        Optional<CheckpointStore.Loaded> best = store.best();
        Optional<CheckpointStore.Loaded> chosen = best.isPresent() ? best : store.latest();
        if (chosen.isEmpty()) {
            throw new IOException(folder + ": the run has no checkpoint yet (" + folder.resolve(RunFolder.CHECKPOINTS)
                    + " is empty); resume it or wait for its first checkpoint");
        }
        return chosen.get();
    }

    /**
     * Loads the fine-tuned model for inference (in fp16-mixed its linear layers hold only fp16 weights; a full
     * fine-tune's trained weights are rounded to fp16 as they are copied in, LoRA adapters are merged in fp32 and the
     * sum rounded once).
     *
     * @param merge fold LoRA adapters into the base weights (no effect for other methods)
     */
    public static FineTunedModel load(Path folder, Device device, Precision precision, boolean merge)
            throws IOException {
        return load(folder, device, precision, MasterWeights.NONE, merge);
    }

    /**
     * Loads the fine-tuned model with or without fp32 master weights for its linear layers (fp16-mixed; with them
     * the model can be fine-tuned further in full).
     *
     * @param merge fold LoRA adapters into the base weights (no effect for other methods)
     */
    public static FineTunedModel load(Path folder, Device device, Precision precision, MasterWeights masters,
                                      boolean merge) throws IOException {
        ModelDescription description = description(folder);
        Evo2Config config = config(folder);
        FineTuneSettings settings = FineTuneRun.readSettings(folder);
        CheckpointStore.Loaded chosen = chosen(folder);
        boolean best = chosen.dir().getFileName().toString().equals("best");
        Path source = Path.of(description.sourceCheckpoint());
        if (!Files.exists(source)) {
            throw new IOException(folder.resolve(RunFolder.RECORD) + ": the starting checkpoint " + source
                    + " of this run is missing; fine-tuned weights are stored relative to it");
        }
        StripedHyena base = StripedHyena.load(source, config, device, precision, masters);
        try {
            TrainableStripedHyena prepared = TrainableStripedHyena.prepare(base, settings);
            Map<String, NDArray> params = prepared.parameters();
            Path weights = chosen.weightsFile();
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
            return new FineTunedModel(base, settings, description, chosen.step(), chosen.dir(), best);
        } catch (IOException | RuntimeException e) {
            base.close();
            throw e;
        }
    }
}
