package org.evo2wb.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which precision each device offers, in a process started with or without TF32. */
class PrecisionSupportTest {

    static final Map<String, String> PLAIN = Map.of();
    static final Map<String, String> TF32 = Map.of("TORCH_ALLOW_TF32_CUBLAS_OVERRIDE", "1");

    @Test
    void theCpuComputesFp32Only() {
        assertEquals("", PrecisionSupport.problem(Precision.FP32, false, "", TF32));
        assertEquals("TF32 is a GPU mode (NVIDIA Ampere and newer); on the CPU fp32 is used.",
                PrecisionSupport.problem(Precision.TF32, false, "", TF32));
        assertTrue(PrecisionSupport.problem(Precision.FP16, false, "", PLAIN).startsWith("fp16 runs on a GPU only"));
    }

    @Test
    void tf32OnAGpuNeedsTheStartUpSwitchAndThenReplacesFp32() {
        assertEquals("", PrecisionSupport.problem(Precision.FP32, true, "90", PLAIN));
        assertEquals("", PrecisionSupport.problem(Precision.FP16, true, "90", PLAIN));
        assertEquals("TF32 is switched on when the workbench starts: start it with EVO2WB_TF32=1 (./evo2wb reads "
                + "it), or with TORCH_ALLOW_TF32_CUBLAS_OVERRIDE=1 in the environment.",
                PrecisionSupport.problem(Precision.TF32, true, "90", PLAIN));

        assertEquals("", PrecisionSupport.problem(Precision.TF32, true, "90", TF32));
        assertEquals("", PrecisionSupport.problem(Precision.FP16, true, "90", TF32));
        assertTrue(PrecisionSupport.problem(Precision.FP32, true, "90", TF32).startsWith("this workbench was started "
                + "with TF32 on (EVO2WB_TF32=1 or TORCH_ALLOW_TF32_CUBLAS_OVERRIDE=1), so PyTorch computes every "
                + "fp32 matrix product on the GPU in TF32."));
    }

    @Test
    void tf32NeedsAmpereAndNoNvidiaVeto() {
        assertEquals("this GPU (compute capability 7.5) has no TF32; NVIDIA Ampere (8.0) and newer have. Use fp32 or "
                + "fp16.", PrecisionSupport.problem(Precision.TF32, true, "75", TF32));
        assertEquals("", PrecisionSupport.problem(Precision.TF32, true, "120", TF32));
        assertEquals("", PrecisionSupport.problem(Precision.TF32, true, "", TF32), "unknown capability: allowed");
        Map<String, String> veto = Map.of("TORCH_ALLOW_TF32_CUBLAS_OVERRIDE", "1", "NVIDIA_TF32_OVERRIDE", "0");
        assertEquals("NVIDIA_TF32_OVERRIDE=0 in the environment turns TF32 off: start the workbench without it.",
                PrecisionSupport.problem(Precision.TF32, true, "90", veto));
        assertEquals("", PrecisionSupport.problem(Precision.FP32, true, "90", veto), "fp32 stays fp32 under the veto");
        // PyTorch reads only 0 and 1
        assertFalse(PrecisionSupport.tf32On(Map.of("TORCH_ALLOW_TF32_CUBLAS_OVERRIDE", "true")));
        assertTrue(PrecisionSupport.tf32On(TF32));
    }

    @Test
    void computeCapabilitiesAreWrittenWithADot() {
        assertEquals("9.0", PrecisionSupport.dotted("90"));
        assertEquals("12.0", PrecisionSupport.dotted("120"));
        assertEquals("", PrecisionSupport.dotted(""));
    }

    @Test
    void aModelIsBuiltOnlyInAPrecisionItReallyComputes() {
        PrecisionSupport.requireTrueLabel(Precision.FP32, Device.cpu());
        PrecisionSupport.requireTrueLabel(Precision.FP16, Device.cpu());   // for checks: slower, but fp16 as labelled
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PrecisionSupport.requireTrueLabel(Precision.TF32, Device.cpu()));
        assertTrue(e.getMessage().startsWith("precision tf32 on cpu(): TF32 is a GPU mode"), e.getMessage());
    }
}
