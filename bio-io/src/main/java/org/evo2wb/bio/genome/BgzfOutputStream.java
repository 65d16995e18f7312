package org.evo2wb.bio.genome;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes BGZF ({@link Bgzf}): blocks of at most {@value Bgzf#MAX_BLOCK_DATA} uncompressed bytes, each a complete
 * gzip member with the {@code BC} extra field, and the empty end-of-file block on {@link #close()}. The output is
 * also ordinary multi-member gzip, so {@code zcat} and every gzip reader read it.
 */
public final class BgzfOutputStream extends OutputStream {

    private final OutputStream out;
    private final byte[] buffer = new byte[Bgzf.MAX_BLOCK_DATA];
    private final byte[] deflated = new byte[Bgzf.MAX_BLOCK_DATA + 1024];
    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    private int used;
    private boolean closed;

    public BgzfOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
        if (used == buffer.length) {
            flushBlock();
        }
        buffer[used++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (used == buffer.length) {
                flushBlock();
            }
            int n = Math.min(len, buffer.length - used);
            System.arraycopy(b, off, buffer, used, n);
            used += n;
            off += n;
            len -= n;
        }
    }

    /** Ends the current block (the next write starts a new one), so a reader can seek to what follows. */
    @Override
    public void flush() throws IOException {
        if (used > 0) {
            flushBlock();
        }
        out.flush();
    }

    private void flushBlock() throws IOException {
        deflater.reset();
        deflater.setInput(buffer, 0, used);
        deflater.finish();
        int clen = 0;
        while (!deflater.finished()) {
            clen += deflater.deflate(deflated, clen, deflated.length - clen);
        }
        CRC32 crc = new CRC32();
        crc.update(buffer, 0, used);
        int bsize = 18 + clen + 8;
        byte[] head = {0x1f, (byte) 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, (byte) 0xff, 0x06, 0x00, 0x42, 0x43, 0x02, 0x00,
            (byte) ((bsize - 1) & 0xFF), (byte) ((bsize - 1) >>> 8)};
        out.write(head);
        out.write(deflated, 0, clen);
        writeInt((int) crc.getValue());
        writeInt(used);
        used = 0;
    }

    private void writeInt(int v) throws IOException {
        out.write(v & 0xFF);
        out.write((v >>> 8) & 0xFF);
        out.write((v >>> 16) & 0xFF);
        out.write((v >>> 24) & 0xFF);
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (used > 0) {
                flushBlock();
            }
            out.write(Bgzf.EOF_BLOCK);
        } finally {
            deflater.end();
            out.close();
        }
    }
}
