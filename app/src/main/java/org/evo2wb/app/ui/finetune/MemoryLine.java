package org.evo2wb.app.ui.finetune;

import ai.djl.Device;
import java.util.List;
import java.util.Locale;
import org.evo2wb.app.models.AvailableDevices;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.device.DeviceChoice;
import org.evo2wb.engine.device.DeviceList;
import org.evo2wb.engine.hub.ModelNeeds;
import org.evo2wb.engine.train.parallel.TrainingDevices;
import org.evo2wb.engine.train.parallel.TrainingMemoryEstimate;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.FineTuneSettings;

/**
 * The Fine-tune view's memory line: the estimate of one training step against the memory of the device the run will
 * use, and what fits when it does not.
 *
 * @param text the line as shown
 * @param warning whether the estimate exceeds the share of the device's memory a run may plan to use
 */
record MemoryLine(String text, boolean warning) {

    /** What the workbench itself takes of a computer's memory besides the model (as the line tells the user). */
    private static final long APPLICATION_BYTES = 1_000_000_000L;

    /**
     * The line for a run of {@code config} with {@code settings}: its device setting is resolved against the devices
     * found as the run will resolve it ({@code auto} passes over GPUs that failed their check), and the estimate is
     * compared with that device's memory.
     *
     * @param modelDevice where the current model was loaded (the only GPU known while the search goes on)
     * @param found the devices found, or null while they are being looked for
     */
    static MemoryLine of(Evo2Config config, FineTuneSettings settings, AvailableDevices.Option modelDevice,
                         AvailableDevices.Detection found) {
        DeviceList devices = found != null ? found : AvailableDevices.detection(AvailableDevices.cpu(),
                modelDevice.isGpu() ? List.of(modelDevice) : List.of(), true);
        DeviceChoice choice;
        try {
            choice = TrainingDevices.choose(settings, devices);
        } catch (IllegalArgumentException e) {
            return new MemoryLine("Memory: " + e.getMessage(), false);
        }
        Device device = choice.device();
        TrainingMemoryEstimate e = TrainingMemoryEstimate.of(config, settings, device);
        long available = choice.memoryBytes();
        boolean gpu = device.isGpu();
        StringBuilder b = new StringBuilder("Memory for training: about ").append(e.describe());
        if (available > 0) {
            b.append(String.format(Locale.ROOT, ". %s has %s", gpu ? "The GPU" : "This computer",
                    TrainingMemoryEstimate.bytes(available)));
            if (!gpu) {
                b.append(" (plus about 1 GB for the application)");
            }
        }
        b.append('.');
        boolean tooMuch = available > 0 && e.totalBytes() > TrainingMemoryEstimate.USABLE_SHARE * available;
        long loaded = e.weightBytes() + (gpu ? ModelNeeds.CUDA_CONTEXT : APPLICATION_BYTES);   // once it is in
        TrainingMemoryEstimate.Fitting f = tooMuch ? e.fittingOn(available, loaded, gpu) : null;
        if (f != null && f.fits() && f.givesUpAnything()) {
            b.append(" It fits with ").append(giveUp(f, config, e)).append(", which the run does by itself.");
            tooMuch = false;
        } else if (tooMuch) {
            b.append(" This will probably not fit. ").append(TrainingMemoryEstimate.largestFitting(
                    config, settings, device, available).describe());
        }
        if (!tooMuch && available > 0 && settings.get(FineTuneParameters.ACTIVATION_CHECKPOINTING)) {
            int blocks = config.numLayers();
            int kept = e.keptBlocksOn(available, loaded);
            if (kept > 0) {
                String which = kept == blocks ? "all " + blocks + " blocks"
                        : String.format(Locale.ROOT, "up to the last %d of %d blocks", kept, blocks);
                b.append(String.format(Locale.ROOT, " With activation checkpointing %s keep their graphs in the "
                        + "memory left (about %s more) and are not recomputed (the run decides from the memory free "
                        + "when it starts).", which, TrainingMemoryEstimate.bytes(e.keptBytes(kept))));
            }
        }
        return new MemoryLine(b.toString(), tooMuch);
    }

    /** What the run gives up to fit, as the line says it. */
    private static String giveUp(TrainingMemoryEstimate.Fitting f, Evo2Config config, TrainingMemoryEstimate e) {
        String spectra = f.keepsSpectra() ? "" : String.format(Locale.ROOT, "the long filters' spectra (about %s) "
                + "built again in every pass instead of kept", TrainingMemoryEstimate.bytes(e.spectraBytes()));
        int n = f.offloadedInputs();
        String inputs = n == 0 ? "" : String.format(Locale.ROOT, "the inputs of the first %d of %d blocks waiting in "
                + "the computer's memory (about %s) between the forward pass and their recompute, at the cost of "
                + "copying each one out and back", n, config.numLayers(),
                TrainingMemoryEstimate.bytes(n * e.blockInputBytes()));
        return spectra.isEmpty() ? inputs : inputs.isEmpty() ? spectra : spectra + " and " + inputs;
    }
}
