package org.evo2wb.engine.train;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import java.io.IOException;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.evo2wb.engine.train.parallel.TrainingMemoryEstimate;
import org.evo2wb.engine.train.settings.FineTuneSettings;

/**
 * Under activation checkpointing, how many blocks at the end of the stack keep their graphs instead of being
 * recomputed in the backward pass ({@link ActivationCheckpointing}): as many as the memory left after the model is
 * loaded holds ({@link TrainingMemoryEstimate#keptBlocksOn}) — the GPU's, or on the CPU the computer's available
 * memory (Linux; elsewhere none are kept); none when the batch is shared between devices. The system property
 * {@value #PROPERTY} sets the number instead ({@code auto}, or 0 … the number of blocks), for measuring the
 * trade-off.
 */
final class KeptBlocks {

    /** System property: {@code auto} (the default) or a number of blocks. */
    static final String PROPERTY = "evo2wb.keptBlocks";

    /** System property: {@code auto} (the default) or how many block inputs wait in host memory. */
    static final String OFFLOAD_PROPERTY = "evo2wb.offloadedInputs";

    private KeptBlocks() {
    }

    /**
     * @param model the model being trained (the automatic choice needs its {@link TrainableModel#memoryEstimate})
     * @param s the run's settings (activation checkpointing on)
     * @param dataParallel whether the batch is shared between devices
     */
    static int choose(TrainableModel model, FineTuneSettings s, boolean dataParallel) {
        int n = model.stages().blocks();
        int set = setByHand(PROPERTY, n);
        if (set >= 0) {
            return set;
        }
        Device d = model.manager().getDevice();
        TrainingMemoryEstimate e = dataParallel ? null : model.memoryEstimate(s, d);
        if (e == null) {
            return 0;
        }
        long[] totalAndUsed = d.isGpu() ? gpuMemory(d) : hostMemory();
        if (totalAndUsed == null) {
            return 0;
        }
        return e.keptBlocksOn(totalAndUsed[0], totalAndUsed[1]);
    }

    /**
     * What the run gives up to fit its device when no block graph is kept ({@link TrainingMemoryEstimate#fittingOn}):
     * the filters' kept spectra, then on a GPU the inputs of as many blocks as it takes, waiting in host memory;
     * nothing where it fits, where graphs are kept or where the batch is shared between devices.
     * {@value #OFFLOAD_PROPERTY} sets the number of inputs instead (0 … blocks − kept), and the spectra are then kept.
     */
    static TrainingMemoryEstimate.Fitting fitting(TrainableModel model, FineTuneSettings s, boolean dataParallel,
                                                  int kept) {
        int set = setByHand(OFFLOAD_PROPERTY, model.stages().blocks() - kept);
        if (set >= 0) {
            return new TrainingMemoryEstimate.Fitting(true, set, true);
        }
        Device d = model.manager().getDevice();
        TrainingMemoryEstimate e = kept > 0 || dataParallel ? null : model.memoryEstimate(s, d);
        long[] totalAndUsed = e == null ? null : d.isGpu() ? gpuMemory(d) : hostMemory();
        return totalAndUsed == null ? new TrainingMemoryEstimate.Fitting(true, 0, true)
                : e.fittingOn(totalAndUsed[0], totalAndUsed[1], d.isGpu());
    }

    /**
     * The number of blocks {@code property} sets, or -1 where it is unset or {@code auto}.
     *
     * @throws IllegalArgumentException naming the property when it is neither auto nor a number from 0 to max
     */
    private static int setByHand(String property, int max) {
        if (isAuto(property)) {
            return -1;
        }
        String set = System.getProperty(property).trim();
        int k;
        try {
            k = Integer.parseInt(set);
        } catch (NumberFormatException e) {
            k = -1;
        }
        if (k < 0 || k > max) {
            throw new IllegalArgumentException(property + " must be auto or a number of blocks from 0 to " + max
                    + ", got '" + set + "'");
        }
        return k;
    }

    /**
     * ", the long filters' spectra are built in every pass, the inputs of the first 12 blocks wait in host memory" or
     * the part that applies, or "".
     */
    static String describe(TrainingMemoryEstimate.Fitting f) {
        int n = f.offloadedInputs();
        return (f.keepsSpectra() ? "" : ", the long filters' spectra are built in every pass instead of kept")
                + (n == 0 ? "" : n == 1 ? ", the input of the first block waits in host memory"
                : String.format(Locale.ROOT, ", the inputs of the first %d blocks wait in host memory", n));
    }

    private static long[] gpuMemory(Device d) {
        try {
            MemoryUsage u = CudaUtils.getGpuMemory(d);
            return new long[] {u.getMax(), u.getUsed()};
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Whether the number is chosen from the memory left ({@value #PROPERTY} unset or {@code auto}). */
    static boolean automatic() {
        return isAuto(PROPERTY);
    }

    /** Whether the block inputs in host memory are chosen from the memory ({@value #OFFLOAD_PROPERTY} unset or auto). */
    static boolean offloadAutomatic() {
        return isAuto(OFFLOAD_PROPERTY);
    }

    private static boolean isAuto(String property) {
        return System.getProperty(property, "auto").trim().equalsIgnoreCase("auto");
    }

    /** The computer's memory and what is not available to this run (Linux: MemTotal, MemAvailable). */
    static long[] hostMemory() {
        long total = -1;
        long available = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    total = kib(line);
                } else if (line.startsWith("MemAvailable:")) {
                    available = kib(line);
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return total > 0 && available >= 0 ? new long[] {total, total - available} : null;
    }

    private static long kib(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
    }

    /** "activation checkpointing recomputes 26 of 32 blocks (the last 6 keep their graphs)" or the like. */
    static String describe(int kept, int blocks) {
        if (kept == 0) {
            return "activation checkpointing recomputes every block";
        }
        if (kept == blocks) {
            return String.format(Locale.ROOT, "activation checkpointing recomputes no block (all %d keep their graphs)",
                    blocks);
        }
        if (kept == 1) {
            return String.format(Locale.ROOT, "activation checkpointing recomputes %d of %d blocks (the last keeps its "
                    + "graph)", blocks - 1, blocks);
        }
        return String.format(Locale.ROOT, "activation checkpointing recomputes %d of %d blocks (the last %d keep "
                + "their graphs)", blocks - kept, blocks, kept);
    }
}
