package org.evo2wb.engine.device;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.List;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.PrecisionSupport;

/**
 * Where a run computes and in which number format, decided once from what the user wrote ({@code auto}, {@code cpu},
 * {@code gpu}, {@code gpu:N}, or a list of such devices, and a precision) and then handed on: the model is loaded on
 * {@link #device()}, a batch is shared between {@link #devices()}, and the memory estimate plans with the memory of
 * that same device.
 *
 * @param devices the devices a batch is shared between; the first holds the model and the optimiser
 * @param precision how the matrix products are computed
 * @param tf32 whether fp32 matrix products on the GPU run as TF32 in this process (see {@link PrecisionSupport})
 * @param memoryBytes the memory of the first device (physical memory for the CPU), or -1 when unknown
 * @param note for the user when {@code auto} passed over GPUs that failed their start-up check; empty otherwise
 */
public record DeviceChoice(List<Device> devices, Precision precision, boolean tf32, long memoryBytes, String note) {

    public DeviceChoice {
        devices = List.copyOf(devices);
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("a device choice needs at least one device");
        }
    }

    /** The device that holds the model and the optimiser. */
    public Device device() {
        return devices.get(0);
    }

    /** Why {@link #precision()} cannot run on {@link #device()} in this process, or "" when it can. */
    public String precisionProblem() {
        return PrecisionSupport.problem(precision, device());
    }

    /**
     * One device as the settings write it: {@code auto} → the first GPU that passes the start-up check, else the
     * CPU; {@code cpu}; {@code gpu} = {@code gpu:0}; {@code gpu:N}.
     *
     * @throws IllegalArgumentException when a GPU is asked for and there is none (or not that many), or it fails the
     *                                  start-up check (the message says why and what to do)
     */
    public static DeviceChoice resolve(String device, Precision precision, DeviceList list) {
        return resolve(List.of(device), precision, list);
    }

    /**
     * Several devices (a batch shared between them), each written as for {@link #resolve(String, Precision,
     * DeviceList)}; the note gathers what {@code auto} passed over.
     */
    public static DeviceChoice resolve(List<String> names, Precision precision, DeviceList list) {
        List<Device> out = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (String name : names) {
            Device d = one(name.trim(), list, notes);
            out.add(d);
        }
        Device first = out.get(0);
        return new DeviceChoice(out, precision, first.isGpu() && PrecisionSupport.tf32On(),
                list.memoryBytes(first), String.join(" ", notes));
    }

    private static Device one(String setting, DeviceList list, List<String> notes) {
        if (setting.equals("cpu")) {
            return Device.cpu();
        }
        int gpus = list.gpuCount();
        if (setting.equals("auto")) {
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < gpus; i++) {
                GpuCheck.Result r = list.check(i);
                if (r.usable()) {
                    if (!problems.isEmpty()) {
                        notes.add(String.join(" ", problems));
                    }
                    return r.device();
                }
                problems.add(r.problem());
            }
            if (!problems.isEmpty()) {
                notes.add(String.join(" ", problems) + " Running on the CPU instead.");
            }
            return Device.cpu();
        }
        int index;
        try {
            index = setting.equals("gpu") ? 0 : Integer.parseInt(setting.substring("gpu:".length()));
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("device '" + setting + "' is not auto, cpu, gpu or gpu:N", e);
        }
        if (index >= gpus) {
            throw new IllegalArgumentException("device " + setting + " asked for, but PyTorch sees "
                    + (gpus == 0 ? "no GPU" : gpus + " GPU(s)") + "; use --device cpu or auto");
        }
        GpuCheck.Result r = list.check(index);
        if (!r.usable()) {
            throw new IllegalArgumentException("device " + setting + ": " + r.problem() + " Meanwhile, use --device "
                    + "cpu.");
        }
        return r.device();
    }
}
