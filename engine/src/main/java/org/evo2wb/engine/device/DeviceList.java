package org.evo2wb.engine.device;

import ai.djl.Device;

/**
 * The devices a run can be placed on: the CPU and the GPUs PyTorch reports, each GPU with its memory and the outcome
 * of its start-up {@link GpuCheck}. {@link DeviceChoice} resolves a device setting against such a list: the
 * process's own ({@link #thisProcess()}), the list the Models view found, or one written by hand in a test.
 */
public interface DeviceList {

    /** How many GPUs there are (numbered 0 … count − 1). */
    int gpuCount();

    /** The start-up check of GPU {@code index}. */
    GpuCheck.Result check(int index);

    /** The memory of {@code device} in bytes (physical memory for the CPU), or -1 when unknown. */
    long memoryBytes(Device device);

    /** The devices of this process, each GPU checked and measured only when a choice reaches it. */
    static DeviceList thisProcess() {
        return ProcessDevices.INSTANCE;
    }
}
