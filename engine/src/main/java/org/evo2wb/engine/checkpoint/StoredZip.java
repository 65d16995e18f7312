package org.evo2wb.engine.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The directory of a zip archive whose entries are stored uncompressed, as {@code torch.save} writes them, read from a
 * {@link ByteSource} (so split byte shards work; {@link java.util.zip.ZipFile} cannot read those).
 *
 * <p>Layout used (PKWARE APPNOTE 6.3): the end-of-central-directory record (signature {@code PK\5\6}) is found by
 * scanning back from the end; when a zip64 locator ({@code PK\6\7}) precedes it, the zip64 end record
 * ({@code PK\6\6}) supplies 64-bit entry count, directory size and offset. Each central header ({@code PK\1\2})
 * gives name, method and sizes, with 32-bit fields equal to {@code 0xFFFFFFFF} replaced by the zip64 extra field
 * (id 1) in the order uncompressed size, compressed size, local header offset. The data of an entry starts after its
 * local header ({@code PK\3\4}, 30 bytes + name + local extra; torch pads the local extra so data is 64-byte aligned).
 */
public final class StoredZip {

    /**
     * One archive member.
     *
     * @param crc32 the CRC-32 the central directory records for the entry's bytes; 0 for a non-empty entry means
     *              none was recorded (PyTorch writes 0 when saving with {@code compute_crc32=False})
     */
    public record Entry(String name, int method, long compressedSize, long size, long localHeaderOffset, long crc32) {

        /** True when the archive records a CRC-32 to check the entry against. */
        public boolean hasCrc() {
            return crc32 != 0 || size == 0;
        }
    }

    /** Bytes checksummed per mapping: large enough to stream at memory speed, small enough for any address space. */
    private static final int CRC_CHUNK = 64 << 20;

    private static final int EOCD_SIG = 0x06054b50;
    private static final int ZIP64_LOCATOR_SIG = 0x07064b50;
    private static final int ZIP64_EOCD_SIG = 0x06064b50;
    private static final int CENTRAL_SIG = 0x02014b50;
    private static final int LOCAL_SIG = 0x04034b50;
    private static final long U32 = 0xFFFFFFFFL;

    private final ByteSource source;
    private final Map<String, Entry> entries;

    private StoredZip(ByteSource source, Map<String, Entry> entries) {
        this.source = source;
        this.entries = Collections.unmodifiableMap(entries);
    }

    /** Entries by name, in central-directory order. */
    public Map<String, Entry> entries() {
        return entries;
    }

    public ByteSource source() {
        return source;
    }

    /** Reads the central directory of {@code source}. */
    public static StoredZip read(ByteSource source) throws IOException {
        String file = source.name();
        long size = source.size();
        if (size < 22) {
            throw new CheckpointFormatException(file + ": too short for a zip archive (" + size + " bytes)");
        }
        int tailLen = (int) Math.min(size, 22 + 65535 + 20);
        long tailStart = size - tailLen;
        ByteBuffer tail = source.slice(tailStart, tailLen);
        int eocd = -1;
        for (int p = tailLen - 22; p >= 0; p--) {
            if (tail.getInt(p) == EOCD_SIG && p + 22 + (tail.getShort(p + 20) & 0xffff) == tailLen) {
                eocd = p;
                break;
            }
        }
        if (eocd < 0) {
            throw new CheckpointFormatException(file + ": no zip end-of-central-directory record; not a zip-format "
                    + "torch.save file, or the file (or its last shard) is truncated");
        }
        long count = tail.getShort(eocd + 10) & 0xffff;
        long cdSize = tail.getInt(eocd + 12) & U32;
        long cdOffset = tail.getInt(eocd + 16) & U32;
        if (eocd >= 20 && tail.getInt(eocd - 20) == ZIP64_LOCATOR_SIG) {
            long z64 = tail.getLong(eocd - 20 + 8);
            if (z64 < 0 || z64 + 56 > size) {
                throw new CheckpointFormatException(file + ": zip64 locator points outside the file (offset " + z64 + ")");
            }
            ByteBuffer rec = source.slice(z64, 56);
            if (rec.getInt(0) != ZIP64_EOCD_SIG) {
                throw new CheckpointFormatException(file + ": no zip64 end-of-central-directory record at offset " + z64);
            }
            count = rec.getLong(32);
            cdSize = rec.getLong(40);
            cdOffset = rec.getLong(48);
        }
        if (cdOffset < 0 || cdSize < 0 || cdOffset + cdSize > size || cdSize > Integer.MAX_VALUE) {
            throw new CheckpointFormatException(file + ": central directory (offset " + cdOffset + ", " + cdSize
                    + " bytes) lies outside the file (" + size + " bytes)");
        }
        ByteBuffer cd = source.slice(cdOffset, (int) cdSize);
        Map<String, Entry> entries = new LinkedHashMap<>();
        int p = 0;
        for (long i = 0; i < count; i++) {
            if (p + 46 > cd.limit() || cd.getInt(p) != CENTRAL_SIG) {
                throw new CheckpointFormatException(file + ": central directory entry " + i + " of " + count
                        + " is damaged (offset " + (cdOffset + p) + ")");
            }
            int flags = cd.getShort(p + 8) & 0xffff;
            int method = cd.getShort(p + 10) & 0xffff;
            long crc = cd.getInt(p + 16) & U32;
            long comp = cd.getInt(p + 20) & U32;
            long uncomp = cd.getInt(p + 24) & U32;
            int nameLen = cd.getShort(p + 28) & 0xffff;
            int extraLen = cd.getShort(p + 30) & 0xffff;
            int commentLen = cd.getShort(p + 32) & 0xffff;
            long local = cd.getInt(p + 42) & U32;
            if (p + 46 + nameLen + extraLen + commentLen > cd.limit()) {
                throw new CheckpointFormatException(file + ": central directory entry " + i + " runs past the directory");
            }
            byte[] nameBytes = new byte[nameLen];
            cd.get(p + 46, nameBytes);
            String name = new String(nameBytes, (flags & 0x800) != 0 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            int x = p + 46 + nameLen;
            int xEnd = x + extraLen;
            while (x + 4 <= xEnd) {
                int id = cd.getShort(x) & 0xffff;
                int len = cd.getShort(x + 2) & 0xffff;
                if (id == 1) {
                    int q = x + 4;
                    if (uncomp == U32) {
                        uncomp = cd.getLong(q);
                        q += 8;
                    }
                    if (comp == U32) {
                        comp = cd.getLong(q);
                        q += 8;
                    }
                    if (local == U32) {
                        local = cd.getLong(q);
                        q += 8;
                    }
                    if (q > x + 4 + len) {
                        throw new CheckpointFormatException(file + ": zip64 extra field of entry '" + name + "' is too short");
                    }
                }
                x += 4 + len;
            }
            if ((flags & 1) != 0) {
                throw new CheckpointFormatException(file + ": entry '" + name + "' is encrypted");
            }
            if (uncomp == U32 || comp == U32 || local == U32) {
                throw new CheckpointFormatException(file + ": entry '" + name + "' needs a zip64 extra field that is missing");
            }
            entries.put(name, new Entry(name, method, comp, uncomp, local, crc));
            p += 46 + nameLen + extraLen + commentLen;
        }
        return new StoredZip(source, entries);
    }

    /** Offset of the first data byte of {@code e} in the source. */
    public long dataOffset(Entry e) throws IOException {
        if (e.localHeaderOffset() + 30 > source.size()) {
            throw new CheckpointFormatException(source.name() + ": local header of entry '" + e.name() + "' lies outside the file");
        }
        ByteBuffer h = source.slice(e.localHeaderOffset(), 30);
        if (h.getInt(0) != LOCAL_SIG) {
            throw new CheckpointFormatException(source.name() + ": entry '" + e.name() + "' has no local header at offset "
                    + e.localHeaderOffset());
        }
        return e.localHeaderOffset() + 30 + (h.getShort(26) & 0xffff) + (h.getShort(28) & 0xffff);
    }

    /**
     * {@code length} bytes of the stored entry {@code e} starting at {@code offset} within it (mapped where possible).
     */
    public ByteBuffer slice(Entry e, long offset, long length) throws IOException {
        if (e.method() != 0) {
            throw new CheckpointFormatException(source.name() + ": entry '" + e.name() + "' is compressed (method "
                    + e.method() + "); torch.save writes stored entries, recompression is not supported");
        }
        if (offset < 0 || length < 0 || offset + length > e.size()) {
            throw new CheckpointFormatException(source.name() + ": entry '" + e.name() + "' has " + e.size()
                    + " bytes, but bytes " + offset + ".." + (offset + length) + " were requested");
        }
        if (length > Integer.MAX_VALUE) {
            throw new CheckpointFormatException(source.name() + ": entry '" + e.name() + "' region of " + length
                    + " bytes exceeds the 2 GiB limit of one buffer");
        }
        long start = dataOffset(e) + offset;
        return source.slice(start, (int) length).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The whole stored entry. */
    public ByteBuffer slice(Entry e) throws IOException {
        return slice(e, 0, e.size());
    }

    /**
     * The CRC-32 of the stored bytes of {@code e}, read in {@value #CRC_CHUNK}-byte windows (mapped, so a storage of
     * gigabytes costs no heap and works across byte shards).
     */
    public long crc32(Entry e) throws IOException {
        CRC32 crc = new CRC32();
        for (long at = 0; at < e.size(); at += CRC_CHUNK) {
            crc.update(slice(e, at, Math.min(CRC_CHUNK, e.size() - at)));
        }
        return crc.getValue();
    }
}
