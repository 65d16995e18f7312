package org.evo2wb.app.models;

import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.task.EngineTask;

/**
 * Loads a model in the background: progress counts checkpoint tensors converted onto the device; cancellation is
 * honoured between tensors, and a cancelled or failed load frees everything it had built.
 */
public final class LoadModelTask extends EngineTask<LoadedModel> {

    private final ModelInspection inspection;
    private final Devices.Option device;
    private final Precision precision;

    public LoadModelTask(ModelInspection inspection, Devices.Option device, Precision precision) {
        super("Load " + inspection.source().name());
        if (!inspection.loadable()) {
            throw new IllegalArgumentException(inspection.source().weights() + ": "
                    + String.join(" ", inspection.problems()));
        }
        this.inspection = inspection;
        this.device = device;
        this.precision = precision;
    }

    @Override
    protected LoadedModel call() throws Exception {
        progress(0, -1);
        message("Opening " + inspection.source().weights().getFileName());
        long t0 = System.nanoTime();
        StripedHyena network = StripedHyena.load(inspection.source().weights(), inspection.config(),
                device.device(), precision, (read, total) -> {
                    checkCancelled();
                    progress(read, total);
                    message("Tensor " + read + " of " + total);
                });
        message("Loaded " + inspection.source().name());
        return new LoadedModel(inspection, network, device, precision, (System.nanoTime() - t0) / 1e9);
    }
}
