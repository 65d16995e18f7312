package org.evo2wb.engine.checkpoint;

/** Element types found in checkpoints, with their byte width. */
public enum StorageType {
    BF16(2),
    F16(2),
    F32(4),
    F64(8),
    I64(8),
    I32(4),
    U8(1),
    BOOL(1);

    private final int bytes;

    StorageType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    public boolean isFloating() {
        return this == BF16 || this == F16 || this == F32 || this == F64;
    }
}
