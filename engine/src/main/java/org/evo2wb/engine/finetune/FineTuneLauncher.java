package org.evo2wb.engine.finetune;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.evo2wb.bio.ReadProgress;
import org.evo2wb.bio.SequenceFormatException;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.device.DeviceChoice;
import org.evo2wb.engine.load.ModelSpec;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.train.FineTuneRun;
import org.evo2wb.engine.train.TrainableStripedHyena;
import org.evo2wb.engine.train.TrainingListener;
import org.evo2wb.engine.train.data.RecordSelection.Source;
import org.evo2wb.engine.train.data.TrainingData;
import org.evo2wb.engine.train.parallel.TrainingDevices;
import org.evo2wb.engine.train.run.FineTunedModel;
import org.evo2wb.engine.train.run.ModelDescription;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.FineTuneSettings;
import org.evo2wb.engine.train.settings.InvalidSettingsException;
import org.evo2wb.engine.train.settings.SettingsProblem;

/**
 * The one entry for a fine-tuning run, used by the Fine-tune view and by {@code evo2wb finetune}: loads the model on
 * the settings' device and precision, readies it for the method, reads and cuts the data its
 * {@link FineTuneInputs} name, and records those inputs in the run folder so that {@link #resume} — from either
 * place — needs only the folder and trains on the same windows with the same validation split.
 */
public final class FineTuneLauncher {

    /**
     * A run ready to start ({@code run().task()}); close it afterwards to free the model.
     *
     * @param run the run
     * @param model the model being trained
     * @param data the windows and their summary
     * @param inputs what the run reads, as recorded in its folder
     * @param choice where the model was loaded and the batches are computed, and in which precision (with the note on
     *               GPUs that {@code auto} passed over)
     */
    public record Prepared(FineTuneRun run, StripedHyena model, TrainingData data, FineTuneInputs inputs,
                           DeviceChoice choice) implements AutoCloseable {

        /** Where the model was loaded. */
        public Device device() {
            return choice.device();
        }

        @Override
        public void close() {
            model.close();
        }
    }

    private FineTuneLauncher() {
    }

    /**
     * Prepares a new run in {@code folder} from a model as the user named it.
     *
     * @param open records already open (the view's), used instead of reading the files again; may be empty
     * @throws IOException when the folder already holds a run, or files cannot be read
     */
    public static Prepared newRun(Path folder, FineTuneSettings settings, ModelSpec model, FineTuneInputs inputs,
                                  List<Source> open, List<TrainingListener> listeners, ReadProgress progress,
                                  String appVersion) throws IOException, SequenceFormatException {
        return newRun(folder, settings, model.resolve(), inputs, open, listeners, progress, appVersion);
    }

    /**
     * Prepares a new run in {@code folder} from a resolved model (the view's loaded model).
     *
     * @param open records already open (the view's), used instead of reading the files again; may be empty
     * @throws IOException when the folder already holds a run, or files cannot be read
     */
    public static Prepared newRun(Path folder, FineTuneSettings settings, ModelSpec.Resolved model,
                                  FineTuneInputs inputs, List<Source> open, List<TrainingListener> listeners,
                                  ReadProgress progress, String appVersion)
            throws IOException, SequenceFormatException {
        if (FineTunedModel.isRunFolder(folder)) {
            throw new IOException(folder + " already holds a fine-tuning run: resume it, or choose a new folder");
        }
        if (inputs.train().isEmpty()) {
            throw new IllegalArgumentException("no training files given");
        }
        DeviceChoice choice = choose(settings);
        ModelDescription description = model.describe();
        FineTuneInputs recorded = inputs.wholeFiles() ? inputs : inputs.withChecksums();
        TrainingData data = recorded.build(settings, open, progress);
        StripedHyena loaded = model.load(choice.device(), choice.precision(),
                TrainableStripedHyena.masterWeights(settings));
        try {
            Files.createDirectories(folder);
            recorded.write(folder);
            FineTuneRun.Builder b = FineTuneRun.newRun(folder, settings)
                    .model(TrainableStripedHyena.prepare(loaded, settings), description)
                    .data(data.train(), data.validation(), data.manifest()).devices(choice)
                    .appVersion(appVersion);
            listeners.forEach(b::listener);
            return new Prepared(b.build(), loaded, data, recorded, choice);
        } catch (IOException | RuntimeException e) {
            loaded.close();
            throw e;
        }
    }

    /**
     * Prepares the continuation of the run in {@code folder}: its recorded settings, its recorded starting model
     * (or {@code model}, e.g. when the file has moved; it must have the same SHA-256), its recorded
     * {@link FineTuneInputs}.
     *
     * @param model another location of the starting model, or null for the recorded one
     * @param maxTime a new time limit, or null to keep the recorded one
     * @param open records already open (the view's), used instead of reading the files again; may be empty
     */
    public static Prepared resume(Path folder, ModelSpec model, Duration maxTime, List<Source> open,
                                  List<TrainingListener> listeners, ReadProgress progress, String appVersion)
            throws IOException, SequenceFormatException {
        FineTuneSettings settings = FineTuneRun.readSettings(folder);
        if (maxTime != null) {
            settings = settings.toBuilder().set(FineTuneParameters.MAX_TIME, maxTime).build();
        }
        DeviceChoice choice = choose(settings);
        Evo2Config config = FineTunedModel.config(folder);
        ModelDescription recorded = FineTunedModel.description(folder);
        Path weights = model == null ? Path.of(recorded.sourceCheckpoint()) : model.resolve().weights();
        if (!weights.getFileName().toString().matches(".*\\.part\\d+") && !Files.isRegularFile(weights)) {
            throw new IOException(folder + ": the run's starting model " + weights + " is missing; name where it is "
                    + "now");
        }
        ModelDescription description = new ModelDescription(recorded.name(), recorded.config(),
                weights.toAbsolutePath().toString(), org.evo2wb.engine.io.Sha256.of(weights));
        FineTuneInputs inputs = FineTuneInputs.read(folder);
        TrainingData data = inputs.build(settings, open, progress);
        StripedHyena loaded = StripedHyena.load(weights, config, choice.device(), choice.precision(),
                TrainableStripedHyena.masterWeights(settings));
        try {
            FineTuneRun.Builder b = FineTuneRun.resume(folder)
                    .model(TrainableStripedHyena.prepare(loaded, settings), description)
                    .data(data.train(), data.validation(), data.manifest()).devices(choice)
                    .appVersion(appVersion);
            if (maxTime != null) {
                b.maxTime(maxTime);
            }
            listeners.forEach(b::listener);
            return new Prepared(b.build(), loaded, data, inputs, choice);
        } catch (IOException | RuntimeException e) {
            loaded.close();
            throw e;
        }
    }

    /**
     * The run's devices and precision, resolved once from the settings (the model is loaded on the device setting, or
     * the first of the data-parallel devices) and checked: the precision must run there.
     *
     * @throws InvalidSettingsException when the precision cannot run there (the message says why and what to do)
     * @throws IllegalArgumentException when a GPU asked for does not exist or fails its start-up check
     */
    public static DeviceChoice choose(FineTuneSettings s) {
        DeviceChoice d = TrainingDevices.choose(s);
        String problem = d.precisionProblem();
        if (!problem.isEmpty()) {
            throw new InvalidSettingsException("", List.of(new SettingsProblem(List.of(
                    FineTuneParameters.PRECISION.name(), FineTuneParameters.DEVICE.name()), problem)));
        }
        return d;
    }
}
