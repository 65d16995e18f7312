package org.evo2wb.engine.train;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import java.lang.management.MemoryUsage;
import java.util.Locale;
import org.evo2wb.engine.train.parallel.TrainingMemoryEstimate;
import org.evo2wb.engine.train.settings.FineTuneSettings;

/**
 * Under activation checkpointing, how many blocks at the end of the stack keep their graphs instead of being
 * recomputed in the backward pass ({@link ActivationCheckpointing}): on a GPU as many as the memory left after the
 * model is loaded holds ({@link TrainingMemoryEstimate#keptBlocksOn}); none on the CPU and
 * when the batch is shared between devices. The system property {@value #PROPERTY} sets the number instead
 * ({@code auto}, or 0 … the number of blocks), for measuring the trade-off.
 */
final class KeptBlocks {

    /** System property: {@code auto} (the default) or a number of blocks. */
    static final String PROPERTY = "evo2wb.keptBlocks";

    private KeptBlocks() {
    }

    /**
     * @param model the model being trained (a {@link TrainableStripedHyena} for the automatic choice)
     * @param s the run's settings (activation checkpointing on)
     * @param dataParallel whether the batch is shared between devices
     */
    static int choose(TrainableModel model, FineTuneSettings s, boolean dataParallel) {
        int n = model.stages().blocks();
        String set = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        if (!set.equals("auto")) {
            int k;
            try {
                k = Integer.parseInt(set);
            } catch (NumberFormatException e) {
                k = -1;
            }
            if (k < 0 || k > n) {
                throw new IllegalArgumentException(PROPERTY + " must be auto or a number of blocks from 0 to " + n
                        + ", got '" + set + "'");
            }
            return k;
        }
        Device d = model.manager().getDevice();
        if (!d.isGpu() || dataParallel || !(model instanceof TrainableStripedHyena t)) {
            return 0;
        }
        MemoryUsage u;
        try {
            u = CudaUtils.getGpuMemory(d);
        } catch (RuntimeException e) {
            return 0;
        }
        TrainingMemoryEstimate e = TrainingMemoryEstimate.of(t.model().architecture().config(), s, d);
        return e.keptBlocksOn(u.getMax(), u.getUsed());
    }

    /** "activation checkpointing recomputes 26 of 32 blocks (the last 6 keep their graphs)" or the like. */
    static String describe(int kept, int blocks) {
        if (kept == 0) {
            return "activation checkpointing recomputes every block";
        }
        return String.format(Locale.ROOT, "activation checkpointing recomputes %d of %d blocks (the last %d keep "
                + "their graphs)", blocks - kept, blocks, kept);
    }
}
