package org.evo2wb.app.models;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.evo2wb.engine.model.Precision;

/**
 * The devices a model can run on: the CPU, and each GPU the PyTorch engine reports (with its memory and compute
 * capability), and the precisions each offers.
 */
public final class Devices {

    private Devices() {}

    /**
     * A device to run on.
     *
     * @param label what the user sees ("CPU (16 cores, 64 GB)", "GPU 0: compute 9.0, 79.6 GB")
     * @param device the DJL device
     * @param memoryBytes its memory (physical memory for the CPU), or -1 when unknown
     */
    public record Option(String label, Device device, long memoryBytes) {

        public boolean isGpu() {
            return device.isGpu();
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /**
     * A precision on a device, and why it cannot be chosen when it cannot.
     *
     * @param reason empty when available
     */
    public record PrecisionChoice(Precision precision, boolean available, String reason) {

        /** "fp32", "TF32", "fp16". */
        public String label() {
            return switch (precision) {
                case FP32 -> "fp32";
                case TF32 -> "TF32";
                case FP16 -> "fp16";
            };
        }

        @Override
        public String toString() {
            return available ? label() : label() + " (not available)";
        }
    }

    /** The devices found, and a sentence on GPUs when there are none to offer (empty otherwise). */
    public record Detection(List<Option> devices, String note) {}

    /** The CPU first, then each GPU the engine can run on. */
    public static List<Option> detect() {
        return detectWithNote().devices();
    }

    /** {@link #detect()} with the reason when no GPU is listed. */
    public static Detection detectWithNote() {
        List<Option> out = new ArrayList<>();
        out.add(cpu());
        int gpus;
        boolean cuda;
        try {
            Engine engine = Engine.getEngine("PyTorch");
            cuda = engine.hasCapability(ai.djl.engine.StandardCapabilities.CUDA);
            gpus = engine.getGpuCount();
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return new Detection(out, "The PyTorch engine could not be started, so no GPU is offered: "
                    + e.getMessage());
        }
        for (int i = 0; i < gpus; i++) {
            Device d = Device.gpu(i);
            long mem = -1;
            String cc = "";
            try {
                mem = CudaUtils.getGpuMemory(d).getMax();
                cc = CudaUtils.getComputeCapability(i);
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                // memory unknown: keep the GPU listed
            }
            String label = "GPU " + i + (cc.isEmpty() ? "" : ": compute " + cc.charAt(0) + "." + cc.substring(1))
                    + (mem > 0 ? String.format(Locale.ROOT, ", %.1f GB", mem / 1e9) : "");
            out.add(new Option(label, d, mem));
        }
        String note = gpus > 0 ? "" : cuda ? "No CUDA GPU was found; models run on the CPU."
                : "This build's PyTorch engine runs on the CPU only (no CUDA), so no GPU is offered.";
        return new Detection(out, note);
    }

    public static Option cpu() {
        long mem = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            mem = os.getTotalMemorySize();
        }
        int cores = Runtime.getRuntime().availableProcessors();
        String label = "CPU (" + cores + (cores == 1 ? " core" : " cores")
                + (mem > 0 ? String.format(Locale.ROOT, ", %.1f GB", mem / 1e9) : "") + ")";
        return new Option(label, Device.cpu(), mem);
    }

    /**
     * The precisions of a device: fp32 everywhere; TF32 and fp16 only on a GPU, and only where this engine build
     * supports them ({@link Precision#isSupported()}).
     */
    public static List<PrecisionChoice> precisions(Option device) {
        List<PrecisionChoice> out = new ArrayList<>();
        out.add(new PrecisionChoice(Precision.FP32, true, ""));
        if (!device.isGpu()) {
            out.add(new PrecisionChoice(Precision.TF32, false, "TF32 is a GPU mode (NVIDIA Ampere and newer)."));
            out.add(new PrecisionChoice(Precision.FP16, false, "fp16 runs on a GPU only; on the CPU fp32 is used."));
            return out;
        }
        out.add(new PrecisionChoice(Precision.TF32, Precision.TF32.isSupported(), Precision.TF32.isSupported() ? ""
                : "TF32 needs PyTorch's allow_tf32 switch, which this engine (DJL) does not expose yet."));
        out.add(new PrecisionChoice(Precision.FP16, Precision.FP16.isSupported(), Precision.FP16.isSupported() ? ""
                : "fp16 matrix products are not yet validated against the reference in this engine version."));
        return out;
    }
}
