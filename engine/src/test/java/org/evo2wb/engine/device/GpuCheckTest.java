package org.evo2wb.engine.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import org.junit.jupiter.api.Test;

/** The start-up device check on the CPU, and the messages for the known ways a GPU fails it. */
class GpuCheckTest {

    /** PyTorch's error, as DJL passes it on, when the JNI was built for an older PyTorch than the one loaded. */
    static final String NO_STORAGE_ERROR = "Cannot access data pointer of Tensor that doesn't have storage\n"
            + "Exception raised from throw_data_ptr_access_error at /pytorch/c10/core/TensorImpl.cpp:340 (most recent "
            + "call first):\nframe #0: c10::Error::Error(c10::SourceLocation, std::string) + 0x98 (0x7f0c in "
            + "libc10.so)\n";

    @Test
    void theCpuPassesEveryPartOfTheCheckAndTheResultIsKept() {
        GpuCheck.Result r = GpuCheck.run(Device.cpu());
        assertTrue(r.usable(), r.problem());
        assertEquals("", r.problem());
        assertEquals("", r.fp16Problem(), "PyTorch 2.7.1 multiplies fp16 matrices on the CPU");
        assertSame(GpuCheck.of(Device.cpu()), GpuCheck.of(Device.cpu()), "checked once per process");
    }

    @Test
    void theJniMismatchSaysWhichPyTorchToUseAndHow() {
        String m = GpuCheck.explain("GPU 0", new EngineException(NO_STORAGE_ERROR));
        assertEquals("GPU 0 cannot be used: tensors made on it cannot be read back (\"Cannot access data pointer of "
                + "Tensor that doesn't have storage\"). This happens when the PyTorch library is not the one the "
                + "workbench's DJL PyTorch JNI (pytorch-jni 2.7.1-0.36.0) was built for. Use PyTorch 2.7.1: unpack a "
                + "libtorch 2.7.1 build for CUDA 12.8 (or take the torch/lib folder of a PyTorch 2.7.1+cu128 install) "
                + "and start the workbench with PYTORCH_LIBRARY_PATH=<that lib folder> PYTORCH_VERSION=2.7.1 "
                + "PYTORCH_FLAVOR=cu128; or use a DJL PyTorch JNI compiled against the installed PyTorch.", m);
        // the same error wrapped by a caller is still recognised
        assertEquals(m, GpuCheck.explain("GPU 0", new IllegalStateException("reading the result failed",
                new EngineException(NO_STORAGE_ERROR))));
    }

    @Test
    void otherKnownFailuresNameTheirCause() {
        String link = GpuCheck.explain("GPU 1", new UnsatisfiedLinkError("/home/u/.djl.ai/pytorch/2.9.0-cu128/"
                + "0.36.0-libdjl_torch.so: undefined symbol: _ZN3c106detail14torchCheckFailEPKcS2_jRKSs"));
        assertTrue(link.startsWith("GPU 1 cannot be used: the DJL PyTorch JNI does not fit the PyTorch library ("
                + "/home/u/.djl.ai/pytorch/2.9.0-cu128/0.36.0-libdjl_torch.so: undefined symbol: "), link);
        assertTrue(link.endsWith(GpuCheck.MISMATCH_ADVICE), link);

        String driver = GpuCheck.explain("GPU 0", new EngineException(
                "CUDA error: CUDA driver version is insufficient for CUDA runtime version\nCUDA kernel errors ..."));
        assertEquals("GPU 0 cannot be used: the NVIDIA driver is older than the CUDA version of the PyTorch library "
                + "needs (\"CUDA error: CUDA driver version is insufficient for CUDA runtime version\"). Update the "
                + "NVIDIA driver, or use a PyTorch 2.7.1 build for a CUDA version the driver supports (nvidia-smi "
                + "shows it).", driver);

        assertTrue(GpuCheck.explain("GPU 0", new EngineException("CUDA error: no kernel image is available for "
                + "execution on the device")).startsWith("GPU 0 cannot be used: the PyTorch library has no GPU code "
                + "for this card's architecture"));
        assertTrue(GpuCheck.explain("GPU 2", new EngineException("CUDA out of memory. Tried to allocate 2.00 MiB"))
                .startsWith("GPU 2 cannot be used: it has no free memory (\"CUDA out of memory. Tried to allocate "
                        + "2.00 MiB\")."));
        assertEquals("GPU 0 failed the start-up check: GPU 0 computed 1, 2, 3, 4 plus 1 wrongly: [0.0, 0.0, 0.0, "
                + "0.0] instead of [2.0, 3.0, 4.0, 5.0]", GpuCheck.explain("GPU 0", new IllegalStateException(
                "GPU 0 computed 1, 2, 3, 4 plus 1 wrongly: [0.0, 0.0, 0.0, 0.0] instead of [2.0, 3.0, 4.0, 5.0]")));
        assertEquals("GPU 3 failed the start-up check: NullPointerException",
                GpuCheck.explain("GPU 3", new NullPointerException()));
    }
}
