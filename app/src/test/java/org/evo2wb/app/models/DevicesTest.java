package org.evo2wb.app.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.util.List;
import java.util.Map;
import org.evo2wb.engine.device.GpuCheck;
import org.evo2wb.engine.model.Precision;
import org.junit.jupiter.api.Test;

/** The device list and the precisions each device offers, for GPUs that pass or fail the start-up check. */
class DevicesTest {

    static final Map<String, String> PLAIN = Map.of();
    static final Map<String, String> TF32 = Map.of("TORCH_ALLOW_TF32_CUBLAS_OVERRIDE", "1");
    static final String MISMATCH = GpuCheck.explain("GPU 0",
            "Cannot access data pointer of Tensor that doesn't have storage\nException raised from ...", false);

    private static List<String> offered(List<AvailableDevices.PrecisionChoice> choices) {
        return choices.stream().filter(AvailableDevices.PrecisionChoice::available).map(AvailableDevices.PrecisionChoice::label)
                .toList();
    }

    @Test
    void aGpuThatFailsTheCheckIsListedAsNotUsableAndModelsRunOnTheCpu() {
        AvailableDevices.Option gpu = AvailableDevices.gpu(0, 79_600_000_000L, "90", MISMATCH, "");
        AvailableDevices.Detection d = AvailableDevices.detection(AvailableDevices.cpu(), List.of(gpu), true);
        assertEquals(2, d.devices().size());
        assertEquals("GPU 0: compute 9.0, 79.6 GB (not usable)", d.devices().get(1).toString());
        assertFalse(d.devices().get(1).usable());
        assertEquals(MISMATCH + "\nModels run on the CPU.", d.note());
        assertEquals(Device.cpu(), d.preferred().device());
        for (AvailableDevices.PrecisionChoice c : AvailableDevices.precisions(gpu, TF32)) {
            assertFalse(c.available(), c.label());
            assertEquals(MISMATCH, c.reason());
        }
    }

    @Test
    void aWorkingGpuOffersFp32AndFp16OrTf32AndFp16AsTheWorkbenchWasStarted() {
        AvailableDevices.Option gpu = AvailableDevices.gpu(0, 79_600_000_000L, "90", "", "");
        assertEquals(List.of("fp32", "fp16"), offered(AvailableDevices.precisions(gpu, PLAIN)));
        assertTrue(AvailableDevices.precisions(gpu, PLAIN).get(1).reason().startsWith("TF32 is switched on when the "
                + "workbench starts: start it with EVO2WB_TF32=1"));
        assertEquals(List.of("TF32", "fp16"), offered(AvailableDevices.precisions(gpu, TF32)));

        AvailableDevices.Option broken = AvailableDevices.gpu(1, 24_000_000_000L, "120", "GPU 1 failed the start-up check: x", "");
        AvailableDevices.Detection d = AvailableDevices.detection(AvailableDevices.cpu(), List.of(gpu, broken), true);
        assertEquals(Device.gpu(0), d.preferred().device());
        assertEquals("GPU 1 failed the start-up check: x", d.note(), "a usable GPU remains: no fallback note");
        assertEquals("GPU 1: compute 12.0, 24.0 GB (not usable)", broken.toString());

        AvailableDevices.Option noHalf = AvailableDevices.gpu(0, -1, "", "", "fp16 matrix products fail on GPU 0: y");
        assertEquals(List.of("fp32"), offered(AvailableDevices.precisions(noHalf, PLAIN)));
        assertEquals("fp16 matrix products fail on GPU 0: y", AvailableDevices.precisions(noHalf, PLAIN).get(2).reason());
        assertEquals("GPU 0", noHalf.label());
    }

    @Test
    void theCpuOffersFp32AndSaysWhyNotTheOthers() {
        List<AvailableDevices.PrecisionChoice> c = AvailableDevices.precisions(AvailableDevices.cpu(), TF32);
        assertEquals(List.of("fp32"), offered(c));
        assertEquals(Precision.TF32, c.get(1).precision());
        assertEquals("TF32 is a GPU mode (NVIDIA Ampere and newer); on the CPU fp32 is used.", c.get(1).reason());
        assertEquals("This build's PyTorch engine runs on the CPU only (no CUDA), so no GPU is offered.",
                AvailableDevices.detection(AvailableDevices.cpu(), List.of(), false).note());
    }
}
