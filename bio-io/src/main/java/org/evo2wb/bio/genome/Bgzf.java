package org.evo2wb.bio.genome;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The blocked gzip format (BGZF) of {@code bgzip}: a series of gzip members of at most 64 KiB each, every member
 * carrying its own compressed size in a {@code BC} extra field, ended by an empty 28-byte member. Because each block
 * can be inflated on its own, a file position inside the uncompressed data is reached by inflating one block.
 *
 * <p>Block header (little-endian): {@code 1f 8b 08 04 | mtime(4) | xfl | os | XLEN=6 | 'B' 'C' | SLEN=2 | BSIZE}
 * where BSIZE is the block's total size minus 1; then the raw deflate data, CRC-32 and ISIZE (uncompressed size).
 */
public final class Bgzf {

    /** The largest uncompressed payload of one block that bgzip writes. */
    public static final int MAX_BLOCK_DATA = 65280;

    /** The empty end-of-file block. */
    static final byte[] EOF_BLOCK = {
        0x1f, (byte) 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, (byte) 0xff, 0x06, 0x00, 0x42, 0x43, 0x02, 0x00, 0x1b, 0x00,
        0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0};

    private static final int HEADER = 18;

    private Bgzf() {
    }

    /** True when the file starts with a BGZF block header. */
    public static boolean isBgzf(byte[] head) {
        return head.length >= 16 && (head[0] & 0xFF) == 0x1f && (head[1] & 0xFF) == 0x8b && (head[3] & 0x04) != 0
                && head[12] == 'B' && head[13] == 'C';
    }

    /** One block's place: where it starts in the file and in the uncompressed data. */
    public record Block(long compressedOffset, long uncompressedOffset) {
    }

    /**
     * Lists every block by reading only the block headers and trailers (no inflating): the content of a
     * {@code .gzi} index plus the first block.
     */
    public static List<Block> scanBlocks(Path file, FileChannel ch) throws IOException {
        List<Block> out = new ArrayList<>();
        long c = 0;
        long u = 0;
        long size = ch.size();
        ByteBuffer head = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer tail = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        while (c < size) {
            int bsize = blockSize(file, ch, c, head);
            tail.clear();
            readFully(file, ch, tail, c + bsize - 4);
            long isize = tail.getInt(0) & 0xFFFFFFFFL;
            if (isize > 0) {
                out.add(new Block(c, u));
            }
            u += isize;
            c += bsize;
        }
        return out;
    }

    /** Inflates the block starting at file offset {@code offset}. */
    public static byte[] readBlock(Path file, FileChannel ch, long offset) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        int bsize = blockSize(file, ch, offset, head);
        ByteBuffer all = ByteBuffer.allocate(bsize).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, ch, all, offset);
        int isize = all.getInt(bsize - 4);
        int crc = all.getInt(bsize - 8);
        byte[] data = new byte[isize];
        Inflater inf = new Inflater(true);
        try {
            inf.setInput(all.array(), HEADER, bsize - HEADER - 8);
            int got = 0;
            while (got < isize) {
                int n = inf.inflate(data, got, isize - got);
                if (n == 0 && (inf.finished() || inf.needsInput())) {
                    break;
                }
                got += n;
            }
            if (got != isize) {
                throw new IOException(file + ": BGZF block at byte " + offset + " holds " + got + " bytes, its "
                        + "trailer says " + isize + " (damaged file?)");
            }
        } catch (DataFormatException e) {
            throw new IOException(file + ": BGZF block at byte " + offset + " is damaged: " + e.getMessage(), e);
        } finally {
            inf.end();
        }
        CRC32 check = new CRC32();
        check.update(data);
        if ((int) check.getValue() != crc) {
            throw new IOException(file + ": BGZF block at byte " + offset + " fails its CRC-32 check (damaged file)");
        }
        return data;
    }

    private static int blockSize(Path file, FileChannel ch, long offset, ByteBuffer head) throws IOException {
        head.clear();
        readFully(file, ch, head, offset);
        if ((head.get(0) & 0xFF) != 0x1f || (head.get(1) & 0xFF) != 0x8b || (head.get(3) & 0x04) == 0
                || head.get(12) != 'B' || head.get(13) != 'C') {
            throw new IOException(file + ": no BGZF block header at byte " + offset + "; the file is plain gzip or "
                    + "damaged (recompress it with bgzip, or give the uncompressed FASTA)");
        }
        return (head.getShort(16) & 0xFFFF) + 1;
    }

    private static void readFully(Path file, FileChannel ch, ByteBuffer b, long at) throws IOException {
        long p = at;
        while (b.hasRemaining()) {
            int n = ch.read(b, p);
            if (n < 0) {
                throw new EOFException(file + ": BGZF data ends early at byte " + p + " (truncated file?)");
            }
            p += n;
        }
        b.flip();
    }

    /** Reads a {@code .gzi} index: a little-endian count, then (compressed, uncompressed) offset pairs. */
    public static List<Block> readGzi(Path gzi, InputStream in) throws IOException {
        byte[] all = in.readAllBytes();
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        if (all.length < 8) {
            throw new IOException(gzi + ": too short for a .gzi index");
        }
        long n = b.getLong();
        if (all.length != 8 + 16 * n) {
            throw new IOException(gzi + ": names " + n + " blocks but holds " + (all.length - 8) + " bytes of entries");
        }
        List<Block> out = new ArrayList<>();
        out.add(new Block(0, 0));
        for (long i = 0; i < n; i++) {
            out.add(new Block(b.getLong(), b.getLong()));
        }
        return out;
    }

    /** The {@code .gzi} bytes of a block list (the first block, at 0/0, is implicit as in htslib). */
    public static byte[] gziBytes(List<Block> blocks) {
        List<Block> rest = blocks.stream().filter(x -> x.compressedOffset() != 0).toList();
        ByteBuffer b = ByteBuffer.allocate(8 + 16 * rest.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(rest.size());
        for (Block x : rest) {
            b.putLong(x.compressedOffset()).putLong(x.uncompressedOffset());
        }
        return b.array();
    }
}
