package org.evo2wb.engine.model;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import java.util.Map;

/**
 * Which {@link Precision} a device can compute in, in this process, and why not when it cannot.
 *
 * <ul>
 *   <li>fp32: everywhere, except on a GPU of a process started with TF32 on: PyTorch then computes every fp32
 *       matrix product on the GPU in TF32, so results labelled fp32 would not be fp32.</li>
 *   <li>TF32: on an NVIDIA GPU of compute capability 8.0 (Ampere) or newer, when the process was started with
 *       {@value #TF32_VARIABLE}=1. PyTorch reads that variable once, when it starts, and DJL has no switch for
 *       {@code allow_tf32}; Java cannot set it afterwards. The {@code evo2wb} launcher sets it for
 *       {@value #LAUNCHER_VARIABLE}=1.</li>
 *   <li>fp16 (fp16-mixed, see {@link Linear}): on GPUs. The engine computes it on the CPU too (for checks and tests),
 *       but there its matrix products are several times slower than fp32, so it is not offered.</li>
 * </ul>
 */
public final class PrecisionSupport {

    /** PyTorch's switch for TF32 in cuBLAS, read when PyTorch starts. */
    public static final String TF32_VARIABLE = "TORCH_ALLOW_TF32_CUBLAS_OVERRIDE";
    /** The {@code evo2wb} launcher's switch: exports {@value #TF32_VARIABLE}=1. */
    public static final String LAUNCHER_VARIABLE = "EVO2WB_TF32";
    /** NVIDIA's library-wide switch; {@code 0} turns TF32 off whatever PyTorch asks. */
    static final String NVIDIA_VARIABLE = "NVIDIA_TF32_OVERRIDE";

    private PrecisionSupport() {
    }

    /** Whether fp32 matrix products on a GPU run as TF32 in this process. */
    public static boolean tf32On() {
        return tf32On(System.getenv());
    }

    static boolean tf32On(Map<String, String> env) {
        return "1".equals(env.get(TF32_VARIABLE)) && !"0".equals(env.get(NVIDIA_VARIABLE));
    }

    /** Why {@code p} cannot be chosen on {@code device} in this process, or "" when it can. */
    public static String problem(Precision p, Device device) {
        return problem(p, device.isGpu(), device.isGpu() ? computeCapability(device.getDeviceId()) : "",
                System.getenv());
    }

    /**
     * {@link #problem(Precision, Device)} for a device described by hand.
     *
     * @param computeCapability as CUDA writes it ("80", "90", "120"), or "" when unknown
     * @param env the process environment
     */
    public static String problem(Precision p, boolean gpu, String computeCapability, Map<String, String> env) {
        if (!gpu) {
            return switch (p) {
                case FP32 -> "";
                case TF32 -> "TF32 is a GPU mode (NVIDIA Ampere and newer); on the CPU fp32 is used.";
                case FP16 -> "fp16 runs on a GPU only: on the CPU its matrix products are several times slower "
                        + "than fp32, so fp32 is used.";
            };
        }
        return switch (p) {
            case FP32 -> tf32On(env) ? "this workbench was started with TF32 on (" + LAUNCHER_VARIABLE + "=1 or "
                    + TF32_VARIABLE + "=1), so PyTorch computes every fp32 matrix product on the GPU in TF32. "
                    + "Choose TF32, or start the workbench without it for fp32." : "";
            case TF32 -> tf32Problem(computeCapability, env);
            case FP16 -> "";
        };
    }

    private static String tf32Problem(String computeCapability, Map<String, String> env) {
        if ("0".equals(env.get(NVIDIA_VARIABLE))) {
            return NVIDIA_VARIABLE + "=0 in the environment turns TF32 off: start the workbench without it.";
        }
        if (!tf32On(env)) {
            return "TF32 is switched on when the workbench starts: start it with " + LAUNCHER_VARIABLE
                    + "=1 (./evo2wb reads it), or with " + TF32_VARIABLE + "=1 in the environment.";
        }
        int major = major(computeCapability);
        if (major > 0 && major < 8) {
            return "this GPU (compute capability " + dotted(computeCapability) + ") has no TF32; NVIDIA Ampere "
                    + "(8.0) and newer have. Use fp32 or fp16.";
        }
        return "";
    }

    /**
     * Refuses to build a model whose matrix products would not run in the precision it is labelled with: TF32 where
     * TF32 is off or impossible, fp32 on a GPU where TF32 is on. fp16 is built anywhere (on the CPU for checks).
     *
     * @throws IllegalArgumentException with the reason and what to do
     */
    public static void requireTrueLabel(Precision p, Device device) {
        if (p == Precision.FP16 || !device.isGpu() && p == Precision.FP32) {
            return;
        }
        String why = problem(p, device);
        if (!why.isEmpty()) {
            throw new IllegalArgumentException("precision " + p.name().toLowerCase(java.util.Locale.ROOT) + " on "
                    + device + ": " + why);
        }
    }

    /** The compute capability of GPU {@code id} as CUDA writes it ("90"), or "" when it cannot be read. */
    public static String computeCapability(int id) {
        try {
            String cc = CudaUtils.getComputeCapability(id);
            return cc == null ? "" : cc;
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return "";
        }
    }

    /** "90" → "9.0", "120" → "12.0"; "" stays "". */
    public static String dotted(String computeCapability) {
        if (computeCapability.length() < 2) {
            return computeCapability;
        }
        int n = computeCapability.length();
        return computeCapability.substring(0, n - 1) + "." + computeCapability.substring(n - 1);
    }

    private static int major(String computeCapability) {
        try {
            return computeCapability.length() < 2 ? -1
                    : Integer.parseInt(computeCapability.substring(0, computeCapability.length() - 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
