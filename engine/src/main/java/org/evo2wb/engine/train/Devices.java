package org.evo2wb.engine.train;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** Turns the {@code device} setting into a DJL device. */
public final class Devices {

    private Devices() {
    }

    /**
     * {@code auto} → the first GPU if PyTorch sees one, else the CPU; {@code cpu}; {@code gpu} = {@code gpu:0};
     * {@code gpu:N}.
     *
     * @throws IllegalArgumentException when a GPU is asked for and there is none (or not that many)
     */
    public static Device resolve(String setting) {
        int gpus = Engine.getInstance().getGpuCount();
        if (setting.equals("auto")) {
            return gpus > 0 ? Device.gpu(0) : Device.cpu();
        }
        if (setting.equals("cpu")) {
            return Device.cpu();
        }
        int index = setting.equals("gpu") ? 0 : Integer.parseInt(setting.substring(4));
        if (index >= gpus) {
            throw new IllegalArgumentException("device " + setting + " asked for, but PyTorch sees "
                    + (gpus == 0 ? "no GPU" : gpus + " GPU(s)") + "; use --device cpu or auto");
        }
        return Device.gpu(index);
    }
}
