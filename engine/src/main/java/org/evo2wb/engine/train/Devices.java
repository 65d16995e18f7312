package org.evo2wb.engine.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.ArrayList;
import java.util.List;
import org.evo2wb.engine.device.GpuCheck;

/** Turns the {@code device} setting into a DJL device, passing over GPUs that fail the start-up {@link GpuCheck}. */
public final class Devices {

    private Devices() {
    }

    /**
     * The device chosen for a setting, and a note for the user when {@code auto} passed over GPUs that cannot be used
     * (empty otherwise).
     */
    public record Choice(Device device, String note) {
    }

    /**
     * {@code auto} → the first GPU that passes the start-up check, else the CPU; {@code cpu}; {@code gpu} =
     * {@code gpu:0}; {@code gpu:N}.
     *
     * @throws IllegalArgumentException when a GPU is asked for and there is none (or not that many), or it fails the
     *                                  start-up check (the message says why and what to do)
     */
    public static Device resolve(String setting) {
        return choose(setting).device();
    }

    /** {@link #resolve} with the note on GPUs that {@code auto} passed over. */
    public static Choice choose(String setting) {
        if (setting.equals("cpu")) {
            return new Choice(Device.cpu(), "");
        }
        int gpus = Engine.getInstance().getGpuCount();
        if (setting.equals("auto")) {
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < gpus; i++) {
                GpuCheck.Result r = GpuCheck.of(Device.gpu(i));
                if (r.usable()) {
                    return new Choice(r.device(), String.join(" ", problems));
                }
                problems.add(r.problem());
            }
            return new Choice(Device.cpu(), problems.isEmpty() ? ""
                    : String.join(" ", problems) + " Running on the CPU instead.");
        }
        int index = setting.equals("gpu") ? 0 : Integer.parseInt(setting.substring(4));
        if (index >= gpus) {
            throw new IllegalArgumentException("device " + setting + " asked for, but PyTorch sees "
                    + (gpus == 0 ? "no GPU" : gpus + " GPU(s)") + "; use --device cpu or auto");
        }
        GpuCheck.Result r = GpuCheck.of(Device.gpu(index));
        if (!r.usable()) {
            throw new IllegalArgumentException("device " + setting + ": " + r.problem() + " Meanwhile, use --device "
                    + "cpu.");
        }
        return new Choice(r.device(), "");
    }
}
