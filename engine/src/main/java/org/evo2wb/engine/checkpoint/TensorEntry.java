package org.evo2wb.engine.checkpoint;

import java.util.Arrays;

/**
 * A tensor as described by a {@code torch.save} pickle, before its bytes are read:
 * {@code _rebuild_tensor_v2(storage, storageOffset, shape, stride, …)}. Offsets and strides count elements.
 *
 * @param storageKey    the storage's name inside the archive ({@code <prefix>/data/<storageKey>})
 * @param type          element type of the storage
 * @param storageNumel  element count of the whole storage
 * @param storageOffset first element of this tensor in the storage
 * @param shape         tensor shape (empty for a 0-d tensor)
 * @param stride        element strides, one per dimension
 */
public record TensorEntry(String storageKey, StorageType type, long storageNumel, long storageOffset, long[] shape,
                          long[] stride) {

    public TensorEntry {
        shape = shape.clone();
        stride = stride.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public long[] stride() {
        return stride.clone();
    }

    public long numel() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Size of the tensor's own elements in bytes (not of the storage). */
    public long byteSize() {
        return numel() * type.bytes();
    }

    /** True when the elements lie row-major and gap-free in the storage (size-1 dimensions ignored). */
    public boolean isContiguous() {
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorEntry t && storageKey.equals(t.storageKey) && type == t.type
                && storageNumel == t.storageNumel && storageOffset == t.storageOffset
                && Arrays.equals(shape, t.shape) && Arrays.equals(stride, t.stride);
    }

    @Override
    public int hashCode() {
        return storageKey.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return type + Arrays.toString(shape) + (isContiguous() ? "" : " stride " + Arrays.toString(stride))
                + " @storage " + storageKey + "+" + storageOffset;
    }
}
