package org.evo2wb.engine.checkpoint;

import org.evo2wb.engine.io.OutputFiles;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Writes a zip of stored (uncompressed) entries the way {@code torch.save} does: every entry's data starts on an
 * {@code alignment}-byte boundary, reached by a padding extra field {@code "FB"} (id 0x4246) in the local header
 * (PyTorch's {@code torch.load(mmap=True)} maps storages in place). Zip64 records are written when an offset, a
 * size or the entry count overflows the 32/16-bit fields, or always when {@code forceZip64} is set.
 *
 * <p>Local header: sig {@code PK\3\4}, version 20, flags 0x0800 (UTF-8 names), method 0, time 0, date 1980-01-01,
 * CRC-32, sizes, name, "FB" padding. Central header {@code PK\1\2} as in APPNOTE 4.3.12, with a zip64 extra (id 1)
 * holding the fields set to 0xFFFFFFFF. End: optional zip64 end record {@code PK\6\6} + locator {@code PK\6\7}, then
 * {@code PK\5\6}.
 */
final class StoredZipWriter implements Closeable {

    private static final long U32 = 0xFFFFFFFFL;
    private static final int DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1;

    private record Written(byte[] name, long crc, long size, long offset) {}

    private final FileChannel ch;
    private final int alignment;
    private final boolean forceZip64;
    private final List<Written> written = new ArrayList<>();
    private long position;

    StoredZipWriter(Path file, int alignment, boolean forceZip64) throws IOException {
        this.ch = OutputFiles.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SPARSE);
        this.alignment = alignment;
        this.forceZip64 = forceZip64;
    }

    void add(String name, byte[] data) throws IOException {
        add(name, ByteBuffer.wrap(data));
    }

    /** Appends one entry; {@code data} is read twice (CRC, then copy), never modified. */
    void add(String name, ByteBuffer data) throws IOException {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        CRC32 crc = new CRC32();
        crc.update(data.duplicate());
        long size = data.remaining();
        long headerEnd = position + 30 + n.length + 4;
        int pad = (int) ((alignment - headerEnd % alignment) % alignment);
        ByteBuffer h = le(30 + n.length + 4 + pad);
        h.putInt(0x04034b50).putShort((short) 20).putShort((short) 0x0800).putShort((short) 0)
                .putShort((short) 0).putShort((short) DOS_DATE_1980_01_01).putInt((int) crc.getValue())
                .putInt((int) size).putInt((int) size).putShort((short) n.length).putShort((short) (4 + pad)).put(n)
                .putShort((short) 0x4246).putShort((short) pad);
        for (int i = 0; i < pad; i++) {
            h.put((byte) 'Z');
        }
        written.add(new Written(n, crc.getValue(), size, position));
        write(h.flip());
        write(data.duplicate());
    }

    /**
     * Leaves {@code n} bytes unwritten before the next entry (a hole in a sparse file; no entry refers to it). Only
     * tests use it, to put entries beyond the 4 GiB zip32 limit without writing gigabytes.
     */
    void hole(long n) throws IOException {
        position += n;
        ch.position(position);
    }

    @Override
    public void close() throws IOException {
        try {
            long cdOffset = position;
            for (Written w : written) {
                boolean bigSize = forceZip64 || w.size() >= U32;
                boolean bigOffset = forceZip64 || w.offset() >= U32;
                int extra = (bigSize ? 16 : 0) + (bigOffset ? 8 : 0);
                ByteBuffer c = le(46 + w.name().length + (extra > 0 ? 4 + extra : 0));
                c.putInt(0x02014b50).putShort((short) 45).putShort((short) (extra > 0 ? 45 : 20))
                        .putShort((short) 0x0800).putShort((short) 0).putShort((short) 0)
                        .putShort((short) DOS_DATE_1980_01_01).putInt((int) w.crc())
                        .putInt(bigSize ? -1 : (int) w.size()).putInt(bigSize ? -1 : (int) w.size())
                        .putShort((short) w.name().length).putShort((short) (extra > 0 ? 4 + extra : 0))
                        .putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0)
                        .putInt(bigOffset ? -1 : (int) w.offset()).put(w.name());
                if (extra > 0) {
                    c.putShort((short) 1).putShort((short) extra);
                    if (bigSize) {
                        c.putLong(w.size()).putLong(w.size());
                    }
                    if (bigOffset) {
                        c.putLong(w.offset());
                    }
                }
                write(c.flip());
            }
            long cdSize = position - cdOffset;
            long count = written.size();
            boolean z64 = forceZip64 || count >= 0xFFFF || cdOffset >= U32 || cdSize >= U32;
            if (z64) {
                long recOffset = position;
                ByteBuffer r = le(56 + 20);
                r.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                        .putLong(count).putLong(count).putLong(cdSize).putLong(cdOffset);
                r.putInt(0x07064b50).putInt(0).putLong(recOffset).putInt(1);
                write(r.flip());
            }
            ByteBuffer e = le(22);
            e.putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
                    .putShort((short) (z64 ? 0xFFFF : count)).putShort((short) (z64 ? 0xFFFF : count))
                    .putInt(z64 ? -1 : (int) cdSize).putInt(z64 ? -1 : (int) cdOffset).putShort((short) 0);
            write(e.flip());
        } finally {
            ch.close();
        }
    }

    private void write(ByteBuffer b) throws IOException {
        position += b.remaining();
        Safetensors.writeFully(ch, b);
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
