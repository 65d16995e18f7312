package org.evo2wb.engine.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A tensor read from a checkpoint file, held outside DJL: element type, shape and a contiguous little-endian
 * row-major buffer (possibly a slice of a memory-mapped file). Conversions widen bf16/fp16 to fp32 in Java, because
 * DJL's PyTorch JNI has no bfloat16.
 */
public record HostTensor(StorageType type, long[] shape, ByteBuffer data) {

    public HostTensor {
        shape = shape.clone();
        long count = 1; // numel() cannot be called here: fields are assigned after the compact constructor
        for (long d : shape) {
            count *= d;
        }
        long need = count * type.bytes();
        if (data.remaining() != need) {
            throw new IllegalArgumentException(
                    "tensor " + Arrays.toString(shape) + " of " + type + " needs " + need + " bytes, got " + data.remaining());
        }
        data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    public long numel() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Values widened (or narrowed, for f64) to fp32. */
    public float[] toFloatArray() {
        int n = Math.toIntExact(numel());
        float[] out = new float[n];
        ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        switch (type) {
            case BF16, F16 -> {
                // bulk copies in chunks: far faster than per-element gets on a memory-mapped buffer
                java.nio.ShortBuffer sb = b.asShortBuffer();
                short[] chunk = new short[Math.min(n, 1 << 16)];
                boolean bf16 = type == StorageType.BF16;
                for (int i = 0; i < n; i += chunk.length) {
                    int len = Math.min(chunk.length, n - i);
                    sb.get(chunk, 0, len);
                    for (int j = 0; j < len; j++) {
                        out[i + j] = bf16 ? Half.bf16ToFloat(chunk[j]) : Half.fp16ToFloat(chunk[j]);
                    }
                }
            }
            case F32 -> b.asFloatBuffer().get(out);
            case F64 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) b.getDouble(8 * i);
                }
            }
            case I64 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getLong(8 * i);
                }
            }
            case I32 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getInt(4 * i);
                }
            }
            case U8, BOOL -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.get(i) & 0xff;
                }
            }
        }
        return out;
    }

    /** Values as fp64 (exact for every floating type). */
    public double[] toDoubleArray() {
        int n = Math.toIntExact(numel());
        if (type == StorageType.F64) {
            double[] out = new double[n];
            data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(out);
            return out;
        }
        float[] f = toFloatArray();
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = f[i];
        }
        return out;
    }

    /** Integer values (I64, I32, U8, BOOL). */
    public long[] toLongArray() {
        int n = Math.toIntExact(numel());
        long[] out = new long[n];
        ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        switch (type) {
            case I64 -> b.asLongBuffer().get(out);
            case I32 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getInt(4 * i);
                }
            }
            case U8, BOOL -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.get(i) & 0xff;
                }
            }
            default -> throw new IllegalStateException("not an integer tensor: " + type);
        }
        return out;
    }

    @Override
    public String toString() {
        return type + Arrays.toString(shape);
    }
}
