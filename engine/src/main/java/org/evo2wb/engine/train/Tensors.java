package org.evo2wb.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.StorageType;
import org.evo2wb.engine.checkpoint.TensorInfo;
import org.evo2wb.engine.model.GradMode;
import org.evo2wb.engine.model.InPlace;

/** Copies between device arrays and host tensors (fp32). */
public final class Tensors {

    private Tensors() {
    }

    /** An fp32 host copy of the array. */
    public static HostTensor toHost(NDArray array) {
        float[] values = array.toType(DataType.FLOAT32, false).toFloatArray();
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return new HostTensor(StorageType.F32, array.getShape().getShape(), b);
    }

    /** The fp32 layout entry of an array (as written by {@link #toHost}). */
    public static TensorInfo info(NDArray array) {
        return new TensorInfo(StorageType.F32, array.getShape().getShape());
    }

    public static HostTensor fromFloats(float[] values, long... shape) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return new HostTensor(StorageType.F32, shape, b);
    }

    /**
     * Overwrites {@code target} in place with the values of {@code source} (same shape, any device; autograd off).
     */
    public static void copyValues(NDArray target, NDArray source) {
        try (GradMode off = GradMode.disabled()) {
            NDArray moved = source.toDevice(target.getDevice(), false);
            target.set(new NDIndex("..."), moved);
            if (moved != source) {
                closeMoved(moved, source);
            }
        }
    }

    /**
     * Frees a copy made by {@code source.toDevice(other device)}: DJL puts it in a new sub-manager of the source's
     * manager, which would otherwise stay attached there (one more per copy) after the copy is closed.
     */
    public static void closeMoved(NDArray moved, NDArray source) {
        if (moved.getManager() != source.getManager()) {
            moved.getManager().close();
        } else {
            moved.close();
        }
    }

    /**
     * Overwrites {@code target} in place with the host values (autograd off), after checking the shape; an fp16
     * target gets them rounded to fp16.
     *
     * @param what names the tensor and file for the error message
     */
    public static void copyInto(NDArray target, HostTensor source, String what) {
        long[] want = target.getShape().getShape();
        if (!Arrays.equals(want, source.shape())) {
            throw new IllegalArgumentException(what + ": shape " + Arrays.toString(source.shape()) + " does not match "
                    + "the model's " + Arrays.toString(want));
        }
        InPlace.overwrite(target, source.toFloatArray());
    }
}
