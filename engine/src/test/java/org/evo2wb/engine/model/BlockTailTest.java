package org.evo2wb.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Passes without gradients in chunks: the post-norm, MLP and residual of a block over chunks of positions, the short
 * depthwise convolutions over chunks of channels.
 */
class BlockTailTest {

    @AfterEach
    void restore() {
        Chunked.setValues(0);
    }

    @Test
    void shortConvolutionsInChunksOfChannelsGiveTheLogitsOfOnePass() throws Exception {
        try (StripedHyena model = tiny(); NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Engine.getInstance().setRandomSeed(13);
            NDArray tok = m.randomInteger(0, 4, new Shape(2, 301), DataType.INT64).add(65);
            float[] whole = model.infer(tok).toFloatArray();
            // batch 2, 301 positions and 3 taps: 10 channels a chunk (the projections' 192 in 20 chunks)
            Chunked.setValues(2 * 303 * 10);
            float[] chunked = model.infer(tok).toFloatArray();
            assertEquals(0.0, AttentionBlocksTest.maxAbsDiff(whole, chunked), "each channel is its own convolution");
        }
    }

    @Test
    void chunksOfPositionsGiveTheLogitsOfOnePass() throws Exception {
        assertEquals(12_192, Block.positionsPerChunk(1, 11_008), "Evo 2 7B: 8,192 positions are one chunk");
        try (StripedHyena model = tiny(); NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Engine.getInstance().setRandomSeed(12);
            NDArray tok = m.randomInteger(0, 4, new Shape(2, 301), DataType.INT64).add(65);     // bytes 65 to 68
            float[] whole = model.infer(tok).toFloatArray();
            Chunked.setValues(2 * 128 * 37);            // batch 2, I 128: 37 positions a chunk, 9 chunks
            assertEquals(37, Block.positionsPerChunk(2, 128));
            float[] chunked = model.infer(tok).toFloatArray();
            double diff = AttentionBlocksTest.maxAbsDiff(whole, chunked);
            double scale = AttentionBlocksTest.maxAbs(whole);
            System.out.printf("block tails in chunks of positions: logits differ by up to %.3g (largest |logit| "
                    + "%.3g)%n", diff, scale);
            assertTrue(diff <= 1e-5 * scale, "chunked logits differ by " + diff);
            // a trace gets whole tensors: one post_norm per block, of every position
            List<long[]> postNorms = new ArrayList<>();
            model.infer(tok, (name, value) -> {
                if (name.endsWith(".post_norm")) {
                    postNorms.add(value.getShape().getShape());
                }
            }).close();
            assertEquals(5, postNorms.size());
            for (long[] shape : postNorms) {
                assertEquals(301, shape[1]);
            }
        }
    }

    private static StripedHyena tiny() throws Exception {
        return StripedHyena.fromTensors("tiny.pt", TinyGolden.tensors("tiny.pt"), TinyGolden.architecture(1.0),
                Device.cpu(), Precision.FP32);
    }
}
