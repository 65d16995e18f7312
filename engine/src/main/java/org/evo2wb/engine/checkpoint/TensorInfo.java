package org.evo2wb.engine.checkpoint;

import java.util.Arrays;

/** Element type and shape of a stored tensor, known before its bytes are read. */
public record TensorInfo(StorageType type, long[] shape) {

    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public long numel() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public long byteSize() {
        return numel() * type.bytes();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && type == t.type && Arrays.equals(shape, t.shape);
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return type + Arrays.toString(shape);
    }
}
