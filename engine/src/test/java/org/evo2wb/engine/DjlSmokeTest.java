package org.evo2wb.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

/** The PyTorch natives load offline from the bundled CPU jar and compute an FFT correctly. */
class DjlSmokeTest {

    @Test
    void fftOfImpulseTrainOnCpu() {
        assertEquals("PyTorch", Engine.getInstance().getEngineName());
        try (NDManager manager = NDManager.newBaseManager()) {
            // x = [1, 2, 3, 4]: rfft gives [10, -2+2i, -2]
            NDArray x = manager.create(new float[] {1, 2, 3, 4});
            NDArray spectrum = x.rfft(4);
            float[] ri = spectrum.real().toFloatArray();
            assertArrayEquals(new float[] {10, 0, -2, 2, -2, 0}, ri, 1e-5f);
            NDArray back = spectrum.irfft(4);
            assertArrayEquals(new float[] {1, 2, 3, 4}, back.toFloatArray(), 1e-5f);
        }
    }
}
