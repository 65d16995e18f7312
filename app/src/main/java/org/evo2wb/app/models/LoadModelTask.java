package org.evo2wb.app.models;

import java.nio.file.Path;
import org.evo2wb.engine.checkpoint.CheckpointFile;
import org.evo2wb.engine.checkpoint.Integrity;
import org.evo2wb.engine.load.bionemo.BioNeMoCheckpoint;
import org.evo2wb.engine.model.MasterWeights;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.task.EngineTask;
import org.evo2wb.engine.train.run.FineTunedModel;

/**
 * Loads a model in the background: progress counts checkpoint tensors converted onto the device; cancellation is
 * honoured between tensors, and a cancelled or failed load frees everything it had built. A fine-tuning run
 * ({@link ModelSource.Kind#RUN}) loads its starting checkpoint with the run's best (else newest) trained weights,
 * LoRA adapters merged.
 */
public final class LoadModelTask extends EngineTask<LoadedModel> {

    private final Path run;
    private final AvailableDevices.Option device;
    private final Precision precision;
    private ModelInspection inspection;

    public LoadModelTask(ModelInspection inspection, AvailableDevices.Option device, Precision precision) {
        super("Load " + inspection.source().name());
        if (!inspection.loadable()) {
            throw new IllegalArgumentException(inspection.source().weights() + ": "
                    + String.join(" ", inspection.problems()));
        }
        this.inspection = inspection;
        this.run = null;
        this.device = device;
        this.precision = precision;
    }

    private LoadModelTask(Path run, AvailableDevices.Option device, Precision precision) {
        super("Load the model of " + run.getFileName());
        this.run = run;
        this.device = device;
        this.precision = precision;
    }

    /** Loads the model a fine-tuning run trained (the run folder is read in the background). */
    public static LoadModelTask ofRun(Path run, AvailableDevices.Option device, Precision precision) {
        return new LoadModelTask(run, device, precision);
    }

    @Override
    protected LoadedModel call() throws Exception {
        progress(0, -1);
        org.evo2wb.app.startup.StartupReport.mark(org.evo2wb.app.startup.StartupReport.MODEL_LOAD_STARTED);
        long t0 = System.nanoTime();
        if (inspection == null) {
            message("Reading " + run.getFileName());
            inspection = ModelInspection.inspect(ModelSource.fromRunFolder(run), ModelInspection.ConfigChoice.AUTOMATIC);
            checkCancelled();
        }
        ModelSource source = inspection.source();
        if (source.kind() == ModelSource.Kind.RUN) {
            message("Loading the starting model and the weights trained in " + source.run().getFileName());
            FineTunedModel m = FineTunedModel.load(source.run(), device.device(), precision, true);
            ModelSource named = new ModelSource(ModelSource.Kind.RUN, source.run().getFileName() + " (step " + m.step()
                    + (m.best() ? ", best" : "") + ")", source.weights(), null, source.selfTest(), source.run());
            return new LoadedModel(inspection.withSource(named), m.model(), device, precision,
                    (System.nanoTime() - t0) / 1e9);
        }
        message("Opening " + source.weights().getFileName());
        StripedHyena network;
        // BioNeMo folders and Savanna files open as the model they hold, other files as they are
        try (CheckpointFile file = BioNeMoCheckpoint.openAny(source.weights(), Integrity.CHECKED)) {
            network = StripedHyena.load(file, inspection.config(), device.device(), precision, MasterWeights.NONE,
                    (read, total) -> {
                        checkCancelled();
                        progress(read, total);
                        message("Tensor " + read + " of " + total);
                    });
        }
        message("Loaded " + source.name());
        return new LoadedModel(inspection, network, device, precision, (System.nanoTime() - t0) / 1e9);
    }
}
