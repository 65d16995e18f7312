package org.evo2wb.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.evo2wb.engine.checkpoint.Half;
import org.evo2wb.engine.checkpoint.HostTensor;

/**
 * Builds model tensors from checkpoint tensors key for key, checking every shape and widening bf16/fp16/fp64 to
 * fp32 in Java (DJL never sees a bf16 array). Keys the model does not use (the duplicate {@code unembed.weight},
 * Transformer-Engine {@code _extra_state}, Savanna's cached {@code filter.t}) are left over and reported by
 * {@link #unusedKeys()}.
 */
public final class CheckpointParameters implements ParameterSource {

    /** Reads one tensor on demand (e.g. from a memory-mapped checkpoint file). */
    @FunctionalInterface
    public interface TensorReader {
        HostTensor read(String key) throws IOException;
    }

    private final String origin;
    private final Map<String, long[]> shapes;
    private final TensorReader reader;
    private final NDManager manager;
    private final Set<String> used = new LinkedHashSet<>();

    /**
     * @param origin file name used in error messages
     * @param tensors checkpoint tensors by key
     * @param manager manager (and device) the model tensors are created on
     */
    public CheckpointParameters(String origin, Map<String, HostTensor> tensors, NDManager manager) {
        this(origin, shapesOf(tensors), tensors::get, manager);
    }

    /**
     * Reads tensors one at a time, so only one widened tensor is staged on the heap at once.
     *
     * @param shapes every tensor's shape by key, in file order
     * @param reader reads the tensor of a key listed in {@code shapes}
     */
    public CheckpointParameters(String origin, Map<String, long[]> shapes, TensorReader reader, NDManager manager) {
        this.origin = origin;
        this.shapes = new LinkedHashMap<>(shapes);
        this.reader = reader;
        this.manager = manager;
    }

    private static Map<String, long[]> shapesOf(Map<String, HostTensor> tensors) {
        Map<String, long[]> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(k, v.shape()));
        return out;
    }

    @Override
    public NDArray get(String key, ParameterKind kind, long... shape) {
        long[] have = shapes.get(key);
        if (have == null) {
            throw new IllegalArgumentException(origin + ": missing tensor '" + key + "' (expected shape "
                    + Arrays.toString(shape) + ")");
        }
        if (!Arrays.equals(have, shape)) {
            throw new IllegalArgumentException(origin + ": tensor '" + key + "' has shape " + Arrays.toString(have)
                    + ", the model config expects " + Arrays.toString(shape));
        }
        HostTensor t;
        try {
            t = reader.read(key);
        } catch (IOException e) {
            throw new UncheckedIOException(origin + ": reading tensor '" + key + "': " + e.getMessage(), e);
        }
        if (!t.type().isFloating()) {
            throw new IllegalArgumentException(origin + ": tensor '" + key + "' has element type " + t.type()
                    + ", expected a floating type");
        }
        used.add(key);
        return toNDArray(t, manager);
    }

    /** The shape of {@code key} in the checkpoint, or null when absent. */
    public long[] shapeOf(String key) {
        return shapes.get(key);
    }

    /** Checkpoint keys not consumed by the model so far, in file order. */
    public Set<String> unusedKeys() {
        Set<String> rest = new LinkedHashSet<>(shapes.keySet());
        rest.removeAll(used);
        return rest;
    }

    /** An fp32 NDArray on {@code manager}'s device holding the tensor's values, widened in Java. */
    public static NDArray toNDArray(HostTensor t, NDManager manager) {
        long n = t.numel();
        ByteBuffer out = ByteBuffer.allocateDirect(Math.toIntExact(n * 4)).order(ByteOrder.nativeOrder());
        ByteBuffer in = t.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int count = Math.toIntExact(n);
        switch (t.type()) {
            case F32 -> {
                for (int i = 0; i < count; i++) {
                    out.putFloat(4 * i, in.getFloat(4 * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    out.putFloat(4 * i, Half.bf16ToFloat(in.getShort(2 * i)));
                }
            }
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    out.putFloat(4 * i, Half.fp16ToFloat(in.getShort(2 * i)));
                }
            }
            case F64 -> {
                for (int i = 0; i < count; i++) {
                    out.putFloat(4 * i, (float) in.getDouble(8 * i));
                }
            }
            default -> throw new IllegalArgumentException("not a floating tensor: " + t);
        }
        return manager.create(out, new Shape(t.shape()), DataType.FLOAT32);
    }
}
