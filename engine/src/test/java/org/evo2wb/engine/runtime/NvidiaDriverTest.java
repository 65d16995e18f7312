package org.evo2wb.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the NVIDIA driver and its CUDA version from the texts and files the driver leaves. */
class NvidiaDriverTest {

    /** The header nvidia-smi prints (its layout, typed out for this test). */
    private static final String SMI = """
            Mon Dec  7 14:00:00 2026
            +-----------------------------------------------------------------------------------------+
            | NVIDIA-SMI 570.86.15              Driver Version: 570.86.15      CUDA Version: 12.8     |
            |-----------------------------------------+------------------------+----------------------+
            """;

    @Test
    void readsNvidiaSmisHeader() {
        assertEquals(Optional.of("12.8"), NvidiaDriver.smiCuda(SMI));
        assertEquals(Optional.of("570.86.15"), NvidiaDriver.smiDriver(SMI));
        assertEquals(Optional.empty(), NvidiaDriver.smiCuda("NVIDIA-SMI has failed because it couldn't communicate"));
    }

    @Test
    void readsTheKernelModuleVersion() {
        String proc = "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.15  Tue Mar  5 22:23:56 UTC 2024\n"
                + "GCC version:  gcc version 12.2.0 (Debian 12.2.0-14)\n";
        assertEquals(Optional.of("550.54.15"), NvidiaDriver.procDriver(proc));
        assertEquals(Optional.of("535.104.05"), NvidiaDriver.procDriver(
                "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  535.104.05  Release Build"));
    }

    @Test
    void readsLibcudasVersionFromItsFileName(@TempDir Path dir) throws IOException {
        assertEquals(Optional.empty(), NvidiaDriver.libcudaVersion(dir));
        Files.writeString(dir.resolve("libcuda.so.1"), "");
        Files.writeString(dir.resolve("libcuda.so.560.35.03"), "");
        Files.writeString(dir.resolve("libcuda.so.570.124.06"), "");
        assertEquals(Optional.of("570.124.06"), NvidiaDriver.libcudaVersion(dir));
    }

    @Test
    void mapsDriverVersionsToTheirCuda() {
        assertEquals(Optional.of("12.8"), NvidiaDriver.cudaFor("570.86.15"));
        assertEquals(Optional.of("12.8"), NvidiaDriver.cudaFor("570.26"));
        assertEquals(Optional.of("12.6"), NvidiaDriver.cudaFor("570.25"));
        assertEquals(Optional.of("12.4"), NvidiaDriver.cudaFor("550.54.15"));
        assertEquals(Optional.of("13.0"), NvidiaDriver.cudaFor("580.95.05"));
        assertEquals(Optional.empty(), NvidiaDriver.cudaFor("470.256.02"));
    }

    @Test
    void saysWhetherTheDriverRunsLibtorchForCuda128() {
        NvidiaDriver ok = new NvidiaDriver("570.86.15", "12.8", List.of("NVIDIA H100 80GB HBM3, 81559 MiB"),
                "nvidia-smi");
        assertTrue(ok.supports("12.8"));
        assertEquals("NVIDIA driver 570.86.15 (supports CUDA up to 12.8) found through nvidia-smi; GPUs: NVIDIA H100 "
                + "80GB HBM3, 81559 MiB. It runs libtorch for CUDA 12.8.", ok.describe("12.8"));
        NvidiaDriver older = new NvidiaDriver("550.54.15", "12.4", List.of(), "/proc/driver/nvidia/version");
        assertFalse(older.supports("12.8"));
        assertTrue(older.describe("12.8").contains("minor-version compatibility"), older.describe("12.8"));
        NvidiaDriver old = new NvidiaDriver("470.256.02", "", List.of(), "/proc/driver/nvidia/version");
        assertTrue(old.describe("12.8").contains("needs driver 570 or newer"), old.describe("12.8"));
        NvidiaDriver none = new NvidiaDriver("", "", List.of(), "");
        assertFalse(none.found());
        assertTrue(none.describe("12.8").startsWith("No NVIDIA driver was found"));
        assertTrue(new NvidiaDriver("418.1", "10.1", List.of(), "nvidia-smi").describe("12.8")
                .endsWith("too old for libtorch for CUDA 12.8: update the NVIDIA driver to 570 or newer."));
    }
}
