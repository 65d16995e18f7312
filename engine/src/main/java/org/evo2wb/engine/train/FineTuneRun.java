package org.evo2wb.engine.train;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.evo2wb.bio.dataset.DatasetManifest;
import org.evo2wb.engine.device.DeviceChoice;
import org.evo2wb.engine.train.data.WindowSource;
import org.evo2wb.engine.train.run.ModelDescription;
import org.evo2wb.engine.train.run.RunFolder;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.FineTuneSettings;

/**
 * Everything a fine-tuning run needs, gathered before it starts. A new run:
 *
 * <pre>{@code
 *   FineTuneRun run = FineTuneRun.newRun(folder, settings)
 *           .model(model, modelDescription)
 *           .data(trainWindows, validationWindows, manifest)
 *           .listener(listener)
 *           .build();
 *   FineTuneTask task = taskRunner.submit(run.task());   // task.cancel() stops it within one step
 * }</pre>
 *
 * Resuming a stopped or killed run: read its settings with {@link #readSettings(Path)}, rebuild the same model and
 * windows from them, then {@code FineTuneRun.resume(folder).model(...).data(...).build()}. The run continues from
 * its newest complete checkpoint with the same schedule and data order.
 */
public final class FineTuneRun {

    final Path folder;
    final FineTuneSettings settings;
    final boolean resume;
    final TrainableModel model;
    final ModelDescription modelDescription;
    final WindowSource train;
    final WindowSource validation;
    final DatasetManifest manifest;
    final List<TrainingListener> listeners;
    final String appVersion;
    final LongSupplier usableSpace;
    /** Where the run computes, resolved by whoever started it; null: resolved from the settings when it starts. */
    final DeviceChoice devices;

    private FineTuneRun(Builder b) {
        this.folder = b.folder;
        this.settings = b.settings;
        this.resume = b.resume;
        this.model = Objects.requireNonNull(b.model, "model");
        this.modelDescription = Objects.requireNonNull(b.modelDescription, "model description");
        this.train = Objects.requireNonNull(b.train, "training windows");
        this.validation = b.validation == null ? WindowSource.of(List.of()) : b.validation;
        this.manifest = Objects.requireNonNull(b.manifest, "data manifest");
        this.listeners = List.copyOf(b.listeners);
        this.appVersion = b.appVersion;
        this.usableSpace = b.usableSpace;
        this.devices = b.devices;
    }

    /** Starts describing a new run in {@code folder} (which must not hold a run yet). */
    public static Builder newRun(Path folder, FineTuneSettings settings) {
        return new Builder(folder, Objects.requireNonNull(settings), false);
    }

    /** Starts describing the continuation of the run in {@code folder}, with its recorded settings. */
    public static Builder resume(Path folder) throws IOException {
        return new Builder(folder, readSettings(folder), true);
    }

    /** The settings recorded in a run folder's {@code run.json}. */
    public static FineTuneSettings readSettings(Path folder) throws IOException {
        RunFolder f = new RunFolder(folder);
        if (!f.hasRecord()) {
            if (!java.nio.file.Files.isDirectory(folder)) {
                throw new IOException(folder + ": no " + RunFolder.RECORD + " here, so there is no run to resume (the "
                        + "folder does not exist: was it deleted or moved?)");
            }
            throw new IOException(folder + ": no " + RunFolder.RECORD + " here, so there is no run to resume");
        }
        JsonObject record = f.readRecord();
        JsonObject settings = record.getAsJsonObject("settings");
        if (settings == null) {
            throw new IOException(folder.resolve(RunFolder.RECORD) + ": no \"settings\" object");
        }
        return FineTuneSettings.fromJson(settings, folder.resolve(RunFolder.RECORD).toString());
    }

    public FineTuneSettings settings() {
        return settings;
    }

    public Path folder() {
        return folder;
    }

    /** A task that runs this fine-tuning on whatever thread runs it (submit it to a {@code TaskRunner}). */
    public FineTuneTask task() {
        return new FineTuneTask(this);
    }

    /** Collects the parts of a run. */
    public static final class Builder {
        private final Path folder;
        private FineTuneSettings settings;
        private final boolean resume;
        private TrainableModel model;
        private ModelDescription modelDescription;
        private WindowSource train;
        private WindowSource validation;
        private DatasetManifest manifest;
        private final List<TrainingListener> listeners = new ArrayList<>();
        private String appVersion = "dev";
        private LongSupplier usableSpace;
        private DeviceChoice devices;

        private Builder(Path folder, FineTuneSettings settings, boolean resume) {
            this.folder = Objects.requireNonNull(folder);
            this.settings = settings;
            this.resume = resume;
        }

        /** The model with its parameters on the training device, and how the run record describes it. */
        public Builder model(TrainableModel m, ModelDescription description) {
            this.model = m;
            this.modelDescription = description;
            return this;
        }

        /**
         * The windows to train and validate on and the manifest that describes them (see {@link TrainingData} for
         * building all three from sequence files and the settings).
         */
        public Builder data(WindowSource trainWindows, WindowSource validationWindows, DatasetManifest dataManifest) {
            this.train = trainWindows;
            this.validation = validationWindows;
            this.manifest = dataManifest;
            return this;
        }

        public Builder listener(TrainingListener l) {
            listeners.add(Objects.requireNonNull(l));
            return this;
        }

        /** Recorded in run.json. */
        public Builder appVersion(String version) {
            this.appVersion = version;
            return this;
        }

        /** Resuming only: a new time limit (the other settings stay as recorded). */
        public Builder maxTime(Duration limit) {
            this.settings = settings.toBuilder().set(FineTuneParameters.MAX_TIME, limit).build();
            return this;
        }

        /**
         * The devices and precision resolved from the settings when the model was loaded (the model must sit on the
         * first device); when not given, the run resolves them from its settings as it starts.
         */
        public Builder devices(DeviceChoice choice) {
            this.devices = choice;
            return this;
        }

        /** Replaces the free-space query of the run folder's disk (tests simulate a full disk with it). */
        public Builder usableSpace(LongSupplier bytes) {
            this.usableSpace = bytes;
            return this;
        }

        public FineTuneRun build() {
            return new FineTuneRun(this);
        }
    }
}
