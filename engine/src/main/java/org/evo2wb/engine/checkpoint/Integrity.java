package org.evo2wb.engine.checkpoint;

/**
 * Whether a {@code .pt} checkpoint's stored bytes are checked against the CRC-32 that {@code torch.save} records
 * for every archive entry. A damaged download or disk otherwise yields silently wrong weights; checking costs one
 * pass over each storage as it is first read (see {@code evo2wb bench checkpoint-crc}). safetensors files record no
 * checksum, so this applies to {@code .pt} files and shards only.
 */
public enum Integrity {
    /** Refuse a storage whose bytes do not match the recorded CRC-32, naming the tensor (the default). */
    CHECKED,
    /** Skip the check: for a file already verified, or one whose CRC-32 fields are known to be unset. */
    TRUSTED
}
