package org.evo2wb.app.models;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.evo2wb.engine.device.DeviceList;
import org.evo2wb.engine.device.GpuCheck;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.PrecisionSupport;

/**
 * The devices a model can run on: the CPU, and each GPU the PyTorch engine reports (with its memory and compute
 * capability, and whether it passed the start-up {@link GpuCheck}), and the precisions each offers
 * ({@link PrecisionSupport}).
 */
public final class AvailableDevices {

    private AvailableDevices() {}

    /**
     * A device to run on.
     *
     * @param label what the user sees ("CPU (16 cores, 64 GB)", "GPU 0: compute 9.0, 79.6 GB")
     * @param device the DJL device
     * @param memoryBytes its memory (physical memory for the CPU), or -1 when unknown
     * @param computeCapability as CUDA writes it ("90"), "" for the CPU or when unknown
     * @param problem why it cannot be used (the start-up check failed), with what to do; empty when it can
     * @param fp16Problem why fp16 products fail on it; empty when they work
     */
    public record Option(String label, Device device, long memoryBytes, String computeCapability, String problem,
                         String fp16Problem) {

        public Option(String label, Device device, long memoryBytes) {
            this(label, device, memoryBytes, "", "", "");
        }

        public boolean isGpu() {
            return device.isGpu();
        }

        /** Whether models can run on it (it passed the start-up check). */
        public boolean usable() {
            return problem.isEmpty();
        }

        @Override
        public String toString() {
            return usable() ? label : label + " (not usable)";
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
            return label(precision);
        }

        public static String label(Precision p) {
            return switch (p) {
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

    /**
     * The devices found (GPUs that failed the start-up check included, marked not usable), and a sentence on GPUs
     * when there are none to use (empty otherwise). A run's device setting is resolved against it as against the
     * process's own devices ({@link org.evo2wb.engine.device.DeviceChoice}), without checking any GPU again.
     */
    public record Detection(List<Option> devices, String note) implements DeviceList {

        /** The first usable GPU, else the CPU. */
        public Option preferred() {
            return devices.stream().filter(d -> d.isGpu() && d.usable()).findFirst().orElse(devices.get(0));
        }

        /** The option listed for {@code device}, if it is listed. */
        public java.util.Optional<Option> option(Device device) {
            return devices.stream().filter(d -> d.device().equals(device)).findFirst();
        }

        @Override
        public int gpuCount() {
            return (int) devices.stream().filter(Option::isGpu).count();
        }

        @Override
        public GpuCheck.Result check(int index) {
            Option o = option(Device.gpu(index)).orElseThrow(() -> new IllegalArgumentException("GPU " + index
                    + " is not among the devices found"));
            return new GpuCheck.Result(o.device(), o.problem(), o.fp16Problem());
        }

        @Override
        public long memoryBytes(Device device) {
            return option(device).map(Option::memoryBytes).orElse(-1L);
        }
    }

    /** The CPU first, then each GPU the engine reports. */
    public static List<Option> detect() {
        return detectWithNote().devices();
    }

    /** {@link #detect()} with the note on GPUs that cannot be used; runs the start-up check of each GPU. */
    public static Detection detectWithNote() {
        int gpus;
        boolean cuda;
        try {
            Engine engine = Engine.getEngine("PyTorch");
            cuda = engine.hasCapability(ai.djl.engine.StandardCapabilities.CUDA);
            gpus = engine.getGpuCount();
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return new Detection(List.of(cpu()), "The PyTorch engine could not be started, so no GPU is offered: "
                    + e.getMessage());
        }
        DeviceList process = DeviceList.thisProcess();
        List<Option> found = new ArrayList<>();
        for (int i = 0; i < gpus; i++) {
            long mem = process.memoryBytes(Device.gpu(i));             // -1 when unknown: the GPU stays listed
            GpuCheck.Result check = process.check(i);
            found.add(gpu(i, mem, PrecisionSupport.computeCapability(i), check.problem(), check.fp16Problem()));
        }
        return detection(cpu(), found, cuda);
    }

    /** A GPU as listed: "GPU 0: compute 9.0, 79.6 GB". */
    public static Option gpu(int index, long memoryBytes, String computeCapability, String problem,
                             String fp16Problem) {
        String label = "GPU " + index + (computeCapability.isEmpty() ? ""
                : ": compute " + PrecisionSupport.dotted(computeCapability))
                + (memoryBytes > 0 ? String.format(Locale.ROOT, ", %.1f GB", memoryBytes / 1e9) : "");
        return new Option(label, Device.gpu(index), memoryBytes, computeCapability, problem, fp16Problem);
    }

    /** The list and its note from the CPU and the GPUs found (checked). */
    public static Detection detection(Option cpu, List<Option> gpus, boolean cuda) {
        List<Option> out = new ArrayList<>();
        out.add(cpu);
        out.addAll(gpus);
        if (gpus.isEmpty()) {
            return new Detection(out, cuda ? "No CUDA GPU was found; models run on the CPU."
                    : "This build's PyTorch engine runs on the CPU only (no CUDA), so no GPU is offered.");
        }
        List<String> problems = gpus.stream().filter(g -> !g.usable()).map(Option::problem).toList();
        boolean none = problems.size() == gpus.size();
        return new Detection(out, problems.isEmpty() ? ""
                : String.join("\n", problems) + (none ? "\nModels run on the CPU." : ""));
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

    /** The precisions of a device in this process: see {@link #precisions(Option, Map)}. */
    public static List<PrecisionChoice> precisions(Option device) {
        return precisions(device, System.getenv());
    }

    /**
     * The precisions of a device, each with why it cannot be chosen when it cannot: fp32 on the CPU; on a GPU that
     * passed the start-up check fp32 or TF32 (as the process was started, see {@link PrecisionSupport}) and fp16
     * (unless fp16 products failed the check); nothing on a GPU that failed it.
     *
     * @param env the process environment (TF32 is switched on there)
     */
    public static List<PrecisionChoice> precisions(Option device, Map<String, String> env) {
        List<PrecisionChoice> out = new ArrayList<>();
        for (Precision p : Precision.values()) {
            String why = !device.usable() ? device.problem()
                    : p == Precision.FP16 && !device.fp16Problem().isEmpty() ? device.fp16Problem()
                    : PrecisionSupport.problem(p, device.isGpu(), device.computeCapability(), env);
            out.add(new PrecisionChoice(p, why.isEmpty(), why));
        }
        return out;
    }
}
