package org.evo2wb.engine.finetune;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.evo2wb.bio.ReadProgress;
import org.evo2wb.bio.SequenceFormatException;
import org.evo2wb.engine.config.Evo2Config;
import org.evo2wb.engine.model.PrecisionSupport;
import org.evo2wb.engine.load.ModelSpec;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.train.FineTuneRun;
import org.evo2wb.engine.train.TrainableStripedHyena;
import org.evo2wb.engine.train.TrainingListener;
import org.evo2wb.engine.train.data.TrainingData;
import org.evo2wb.engine.train.parallel.TrainingDevices;
import org.evo2wb.engine.train.run.FineTunedModel;
import org.evo2wb.engine.train.run.ModelDescription;
import org.evo2wb.engine.train.run.RunInputs;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.FineTuneSettings;
import org.evo2wb.engine.train.settings.InvalidSettingsException;
import org.evo2wb.engine.train.settings.SettingsProblem;

/**
 * Gathers a fine-tuning run from what a user names (a model, sequence files, settings, a run folder): loads the
 * model on the settings' device and precision, readies it for the method, reads and cuts the data, and records the
 * input files in the run folder ({@link RunInputs}) so that {@link #resume} needs only the folder.
 */
public final class FineTuneLauncher {

    /**
     * A run ready to start ({@code run().task()}); close it afterwards to free the model.
     *
     * @param run the run
     * @param model the model being trained
     * @param data the windows and their summary
     */
    public record Prepared(FineTuneRun run, StripedHyena model, TrainingData data) implements AutoCloseable {
        @Override
        public void close() {
            model.close();
        }
    }

    private FineTuneLauncher() {
    }

    /**
     * Prepares a new run in {@code folder}.
     *
     * @param validation separate validation files (empty: split the training files by the validation fraction)
     * @throws IOException when the folder already holds a run, or files cannot be read
     */
    public static Prepared newRun(Path folder, FineTuneSettings settings, ModelSpec model, List<Path> train,
                                  List<Path> validation, List<TrainingListener> listeners, ReadProgress progress,
                                  String appVersion) throws IOException, SequenceFormatException {
        if (FineTunedModel.isRunFolder(folder)) {
            throw new IOException(folder + " already holds a fine-tuning run: resume it, or choose a new folder");
        }
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no training files given");
        }
        Device device = device(settings);
        ModelSpec.Resolved resolved = model.resolve();
        ModelDescription description = resolved.describe();
        TrainingData data = TrainingData.build(train, validation, settings, progress);
        StripedHyena loaded = resolved.load(device, settings.get(FineTuneParameters.PRECISION),
                TrainableStripedHyena.masterWeights(settings));
        try {
            RunInputs inputs = new RunInputs(train, validation);
            Files.createDirectories(folder);
            inputs.write(folder);
            FineTuneRun.Builder b = FineTuneRun.newRun(folder, settings)
                    .model(TrainableStripedHyena.prepare(loaded, settings), description)
                    .data(data.train(), data.validation(), data.manifest()).appVersion(appVersion);
            listeners.forEach(b::listener);
            return new Prepared(b.build(), loaded, data);
        } catch (IOException | RuntimeException e) {
            loaded.close();
            throw e;
        }
    }

    /**
     * Prepares the continuation of the run in {@code folder}: its recorded settings, its recorded starting model
     * (or {@code model}, e.g. when the file has moved; it must have the same SHA-256), the files of its
     * {@link RunInputs}.
     *
     * @param model another location of the starting model, or null for the recorded one
     * @param maxTime a new time limit, or null to keep the recorded one
     */
    public static Prepared resume(Path folder, ModelSpec model, Duration maxTime, List<TrainingListener> listeners,
                                  ReadProgress progress, String appVersion)
            throws IOException, SequenceFormatException {
        FineTuneSettings settings = FineTuneRun.readSettings(folder);
        if (maxTime != null) {
            settings = settings.toBuilder().set(FineTuneParameters.MAX_TIME, maxTime).build();
        }
        Device device = device(settings);
        Evo2Config config = FineTunedModel.config(folder);
        ModelDescription recorded = FineTunedModel.description(folder);
        Path weights = model == null ? Path.of(recorded.sourceCheckpoint()) : model.resolve().weights();
        if (!weights.getFileName().toString().matches(".*\\.part\\d+") && !Files.isRegularFile(weights)) {
            throw new IOException(folder + ": the run's starting model " + weights + " is missing; name where it is "
                    + "now");
        }
        ModelDescription description = new ModelDescription(recorded.name(), recorded.config(),
                weights.toAbsolutePath().toString(), org.evo2wb.engine.io.Sha256.of(weights));
        RunInputs inputs = RunInputs.read(folder);
        TrainingData data = TrainingData.build(inputs.train(), inputs.validation(), settings, progress);
        StripedHyena loaded = StripedHyena.load(weights, config, device, settings.get(FineTuneParameters.PRECISION),
                TrainableStripedHyena.masterWeights(settings));
        try {
            FineTuneRun.Builder b = FineTuneRun.resume(folder).model(TrainableStripedHyena.prepare(loaded, settings), description)
                    .data(data.train(), data.validation(), data.manifest()).appVersion(appVersion);
            if (maxTime != null) {
                b.maxTime(maxTime);
            }
            listeners.forEach(b::listener);
            return new Prepared(b.build(), loaded, data);
        } catch (IOException | RuntimeException e) {
            loaded.close();
            throw e;
        }
    }

    /**
     * Where the model is loaded (the device setting, or the first of the data-parallel devices), checked for the
     * settings' precision.
     *
     * @throws InvalidSettingsException when the precision cannot run there (the message says why and what to do)
     */
    public static Device device(FineTuneSettings s) {
        Device d = TrainingDevices.forTraining(s).get(0);
        String problem = PrecisionSupport.problem(s.get(FineTuneParameters.PRECISION), d);
        if (!problem.isEmpty()) {
            throw new InvalidSettingsException("", List.of(new SettingsProblem(List.of(
                    FineTuneParameters.PRECISION.name(), FineTuneParameters.DEVICE.name()), problem)));
        }
        return d;
    }
}
