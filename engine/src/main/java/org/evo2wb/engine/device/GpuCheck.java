package org.evo2wb.engine.device;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.evo2wb.engine.model.Convolutions;
import org.evo2wb.engine.model.GradMode;
import org.evo2wb.engine.model.Linear;
import org.evo2wb.engine.model.Precision;

/**
 * A start-up check that a device really computes: a few numbers are sent to it, 1 is added and the result is read
 * back; a causal convolution runs through real FFTs (as the Hyena long filters do); an fp32 matrix product runs; and
 * an fp16 one (for fp16-mixed). Each result is compared with the known answer.
 *
 * <p>Why: a PyTorch library newer than the one the DJL JNI was built for (2.7.1) still loads and even reports its
 * GPUs, but reading any GPU tensor back fails ("Cannot access data pointer of Tensor that doesn't have storage").
 * Checking at start turns that into a message that says what to do, before a model is loaded. {@link #explain}
 * maps the known failures to such messages.
 *
 * <p>The check takes milliseconds; {@link #of} runs it once per device and process.
 */
public final class GpuCheck {

    /**
     * The outcome for one device.
     *
     * @param device the device checked
     * @param problem why the device cannot be used, with what to do; empty when it can
     * @param fp16Problem why fp16 matrix products fail on it; empty when they work (or the device is unusable)
     */
    public record Result(Device device, String problem, String fp16Problem) {

        public boolean usable() {
            return problem.isEmpty();
        }
    }

    /** The advice for a PyTorch library that does not fit the DJL JNI. */
    public static final String MISMATCH_ADVICE = "This happens when the PyTorch library is not the one the "
            + "workbench's DJL PyTorch JNI (pytorch-jni 2.7.1-0.36.0) was built for. Use PyTorch 2.7.1: unpack a "
            + "libtorch 2.7.1 build for CUDA 12.8 (or take the torch/lib folder of a PyTorch 2.7.1+cu128 install) and "
            + "start the workbench with PYTORCH_LIBRARY_PATH=<that lib folder> PYTORCH_VERSION=2.7.1 "
            + "PYTORCH_FLAVOR=cu128; or use a DJL PyTorch JNI compiled against the installed PyTorch.";

    static final String NO_STORAGE = "Cannot access data pointer of Tensor that doesn't have storage";

    private static final Map<Device, Result> CHECKED = new ConcurrentHashMap<>();

    private GpuCheck() {
    }

    /** The check of {@code device}, run on the first call and remembered for the life of the process. */
    public static Result of(Device device) {
        return CHECKED.computeIfAbsent(device, GpuCheck::run);
    }

    /** Runs the check now (not remembered). */
    public static Result run(Device device) {
        String name = name(device);
        try (GradMode off = GradMode.disabled(); NDManager m = NDManager.newBaseManager(device)) {
            roundTrip(m, name);
            fftConvolution(m, name);
            product(m, name, Precision.FP32);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return new Result(device, explain(name, e), "");
        }
        String fp16 = "";
        try (GradMode off = GradMode.disabled(); NDManager m = NDManager.newBaseManager(device)) {
            product(m, name, Precision.FP16);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            fp16 = "fp16 matrix products fail on " + name + ": " + firstLine(e);
        }
        return new Result(device, "", fp16);
    }

    /** 1, 2, 3, 4 on the device, plus 1, read back. */
    private static void roundTrip(NDManager m, String name) {
        float[] back = m.create(new float[] {1, 2, 3, 4}).add(1f).toFloatArray();
        expect(name, "1, 2, 3, 4 plus 1", new float[] {2, 3, 4, 5}, back, 0);
    }

    /** Signal 1, 2, 3, 4 convolved with the filter 1, 1 through real FFTs: 1, 3, 5, 7. */
    private static void fftConvolution(NDManager m, String name) {
        NDArray u = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 4));
        NDArray h = m.create(new float[] {1, 1}, new Shape(1, 2));
        float[] y = Convolutions.fftCausal(u, h).toFloatArray();
        expect(name, "an FFT convolution", new float[] {1, 3, 5, 7}, y, 1e-4f);
    }

    /** [1 2; 3 4]·[1 1; 0 1]ᵀ + [0.5 0.5] in the precision's matrix-product type. */
    private static void product(NDManager m, String name, Precision precision) {
        NDArray x = m.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
        NDArray w = m.create(new float[] {1, 1, 0, 1}, new Shape(2, 2));
        NDArray b = m.create(new float[] {0.5f, 0.5f});
        float[] y = Linear.affine(x, w, b, precision).toFloatArray();
        expect(name, "a " + precision.name().toLowerCase(java.util.Locale.ROOT) + " matrix product",
                new float[] {3.5f, 2.5f, 7.5f, 4.5f}, y, 1e-3f);
    }

    private static void expect(String name, String what, float[] want, float[] got, float tolerance) {
        boolean same = want.length == got.length;
        for (int i = 0; same && i < want.length; i++) {
            same = Math.abs(want[i] - got[i]) <= tolerance;
        }
        if (!same) {
            throw new IllegalStateException(name + " computed " + what + " wrongly: "
                    + java.util.Arrays.toString(got) + " instead of " + java.util.Arrays.toString(want));
        }
    }

    /** "GPU 0", or "the CPU". */
    public static String name(Device device) {
        return device.isGpu() ? "GPU " + device.getDeviceId() : "the CPU";
    }

    /**
     * What a failure of the check means, for a user: the known causes get what to do; anything else is quoted.
     *
     * @param name the device as in {@link #name}
     */
    public static String explain(String name, Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName()).append('\n');
        }
        boolean link = e instanceof UnsatisfiedLinkError || e.getCause() instanceof UnsatisfiedLinkError;
        return explain(name, all.toString(), link);
    }

    /**
     * {@link #explain(String, Throwable)} on the error's text.
     *
     * @param linkError whether the error was a failure to link the native library
     */
    public static String explain(String name, String text, boolean linkError) {
        String first = firstLine(text);
        if (text.contains(NO_STORAGE)) {
            return name + " cannot be used: tensors made on it cannot be read back (\"" + NO_STORAGE + "\"). "
                    + MISMATCH_ADVICE;
        }
        if (linkError || text.contains("undefined symbol")) {
            return name + " cannot be used: the DJL PyTorch JNI does not fit the PyTorch library (" + first + "). "
                    + MISMATCH_ADVICE;
        }
        if (text.contains("CUDA driver version is insufficient")) {
            return name + " cannot be used: the NVIDIA driver is older than the CUDA version of the PyTorch library "
                    + "needs (\"" + first + "\"). Update the NVIDIA driver, or use a PyTorch 2.7.1 build for a CUDA "
                    + "version the driver supports (nvidia-smi shows it).";
        }
        if (text.contains("no kernel image is available")) {
            return name + " cannot be used: the PyTorch library has no GPU code for this card's architecture (\""
                    + first + "\"). Use a PyTorch 2.7.1 build that supports the card.";
        }
        if (text.toLowerCase(java.util.Locale.ROOT).contains("out of memory")) {
            return name + " cannot be used: it has no free memory (\"" + first + "\"). Close the programs using it "
                    + "(nvidia-smi lists them) and start the workbench again.";
        }
        return name + " failed the start-up check: " + first;
    }

    private static String firstLine(Throwable e) {
        return firstLine(String.valueOf(e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
    }

    private static String firstLine(String text) {
        String t = text.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip();
    }
}
