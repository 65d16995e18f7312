package org.evo2wb.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * A computation without gradients run over consecutive ranges of axis 1 (channels of a (B, C, L) signal, positions
 * of a (B, L, D) stream) whose results are written into one output: the widest temporaries are then a range's, not
 * the whole input's. Each range's result is closed once written.
 */
final class Chunked {

    /** The part of the computation for indices [i0, i1) of axis 1; the caller closes what it returns. */
    @FunctionalInterface
    interface Part {
        NDArray of(long i0, long i1);
    }

    /**
     * Values a chunked step holds at once in its widest tensor: 2^27 (256 MiB in fp16). The block tail's chunks of
     * positions ({@link Block}) and the short convolutions' chunks of channels ({@link Convolutions#causalDepthwise})
     * take as many positions or channels as fit.
     */
    static final long VALUES = 1L << 27;

    private static volatile long valuesOverride;

    private Chunked() {
    }

    /** Sets the values per chunk; 0 restores {@link #VALUES} (tests). */
    static void setValues(long values) {
        valuesOverride = values;
    }

    /** The values per chunk now in force. */
    static long values() {
        return valuesOverride > 0 ? valuesOverride : VALUES;
    }

    /**
     * @param like the input: its shape (axis 1 split), manager and device
     * @param step indices of axis 1 per range
     * @return like's shape, in the type of the parts' results
     */
    static NDArray alongAxis1(NDArray like, long step, Part part) {
        long size = like.getShape().get(1);
        NDArray out = null;
        for (long i0 = 0; i0 < size; i0 += step) {
            long i1 = Math.min(size, i0 + step);
            NDArray r = part.of(i0, i1);
            if (out == null) {              // every range is written: no need to clear it first
                out = like.getManager().create(like.getShape(), r.getDataType(), like.getDevice());
            }
            out.set(NDIndex.sliceAxis(1, i0, i1), r);
            r.close();
        }
        return out;
    }
}
