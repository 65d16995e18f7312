package org.evo2wb.engine.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.List;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.train.parallel.TrainingDevices;
import org.evo2wb.engine.train.settings.FineTuneSettings;
import org.junit.jupiter.api.Test;

/** A device setting resolved once against a list of devices written by hand: two GPUs of different memory. */
class DeviceChoiceTest {

    /** GPU 0: 80 GB, GPU 1: 24 GB; the CPU 64 GB; GPUs are checked only when asked, and counted here. */
    private static final class TwoGpus implements DeviceList {
        final String problemOfGpu0;
        final List<Integer> checked = new ArrayList<>();

        TwoGpus(String problemOfGpu0) {
            this.problemOfGpu0 = problemOfGpu0;
        }

        @Override
        public int gpuCount() {
            return 2;
        }

        @Override
        public GpuCheck.Result check(int index) {
            checked.add(index);
            return new GpuCheck.Result(Device.gpu(index), index == 0 ? problemOfGpu0 : "", "");
        }

        @Override
        public long memoryBytes(Device device) {
            return !device.isGpu() ? 64_000_000_000L : device.getDeviceId() == 0 ? 80_000_000_000L : 24_000_000_000L;
        }
    }

    @Test
    void theSecondGpuBringsItsOwnMemory() {
        TwoGpus list = new TwoGpus("");
        DeviceChoice c = DeviceChoice.resolve("gpu:1", Precision.FP16, list);
        assertEquals(List.of(Device.gpu(1)), c.devices());
        assertEquals(24_000_000_000L, c.memoryBytes());
        assertEquals(Precision.FP16, c.precision());
        assertEquals("", c.note());
        assertEquals(List.of(1), list.checked, "only the GPU asked for is checked");
    }

    @Test
    void autoTakesTheFirstGpuThatPassesItsCheckAndSaysWhyItPassedOverOthers() {
        DeviceChoice c = DeviceChoice.resolve("auto", Precision.FP32, new TwoGpus("GPU 0 is broken."));
        assertEquals(Device.gpu(1), c.device());
        assertEquals(24_000_000_000L, c.memoryBytes());
        assertEquals("GPU 0 is broken.", c.note());
        DeviceChoice cpu = DeviceChoice.resolve("cpu", Precision.FP32, new TwoGpus(""));
        assertEquals(Device.cpu(), cpu.device());
        assertEquals(64_000_000_000L, cpu.memoryBytes());
        assertFalse(cpu.tf32(), "TF32 is a GPU state");
    }

    @Test
    void aGpuThatIsNotThereOrFailedItsCheckIsRefusedWithTheReason() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> DeviceChoice.resolve("gpu:2", Precision.FP32, new TwoGpus("")));
        assertEquals("device gpu:2 asked for, but PyTorch sees 2 GPU(s); use --device cpu or auto",
                missing.getMessage());
        IllegalArgumentException broken = assertThrows(IllegalArgumentException.class,
                () -> DeviceChoice.resolve("gpu", Precision.FP32, new TwoGpus("GPU 0 is broken.")));
        assertEquals("device gpu: GPU 0 is broken. Meanwhile, use --device cpu.", broken.getMessage());
    }

    @Test
    void aRunsSettingsGiveItsDevicesPrecisionAndTheMemoryOfItsFirstDevice() {
        FineTuneSettings s = FineTuneSettings.builder(null).setText("devices", "gpu:1,gpu:0")
                .setText("batch-size", "2").setText("precision", "fp16").build();
        DeviceChoice c = TrainingDevices.choose(s, new TwoGpus(""));
        assertEquals(List.of(Device.gpu(1), Device.gpu(0)), c.devices());
        assertEquals(Device.gpu(1), c.device());
        assertEquals(24_000_000_000L, c.memoryBytes());
        assertEquals(Precision.FP16, c.precision());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingDevices.choose(
                s.toBuilder().setText("devices", "gpu:0,gpu:1,gpu:3").setText("batch-size", "3").build(),
                new TwoGpus("")));
        assertEquals("devices 'gpu:0,gpu:1,gpu:3': device gpu:3 asked for, but PyTorch sees 2 GPU(s); use --device "
                + "cpu or auto", e.getMessage());
    }
}
