package org.evo2wb.engine.load.bionemo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * A tensor saved in chunks (as tensor-parallel ranks save their slices) is put back together: every element lands at
 * its row-major place in the whole tensor.
 */
class DcpChunksTest {

    @Test
    void chunksOfAThreeDimensionalTensorFillItExactly() {
        long[] whole = {2, 4, 6};
        int n = 2 * 4 * 6;
        ByteBuffer out = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        // four chunks: rows 0-1 / 2-3 of dim 1, columns 0-2 / 3-5 of dim 2, each over both entries of dim 0
        for (long r0 : new long[] {0, 2}) {
            for (long c0 : new long[] {0, 3}) {
                long[] offsets = {0, r0, c0};
                long[] sizes = {2, 2, 3};
                ByteBuffer chunk = ByteBuffer.allocate(2 * 2 * 3 * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (int a = 0; a < 2; a++) {
                    for (int b = 0; b < 2; b++) {
                        for (int c = 0; c < 3; c++) {
                            chunk.putFloat(value(a, (int) r0 + b, (int) c0 + c));
                        }
                    }
                }
                DcpCheckpoint.place(chunk.flip(), offsets, sizes, whole, 4, out);
            }
        }
        float[] got = new float[n];
        out.asFloatBuffer().get(got);
        float[] want = new float[n];
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 4; b++) {
                for (int c = 0; c < 6; c++) {
                    want[(a * 4 + b) * 6 + c] = value(a, b, c);
                }
            }
        }
        assertArrayEquals(want, got);
    }

    private static float value(int a, int b, int c) {
        return 100 * a + 10 * b + c + 1;
    }
}
