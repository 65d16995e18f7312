package org.evo2wb.bio.io;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.evo2wb.bio.Compression;
import org.evo2wb.bio.SequenceFormatException;
import org.tukaani.xz.XZInputStream;

/**
 * Opens a sequence file and undoes its compression, chosen by magic bytes: gzip {@code 1f 8b} (BGZF when the first
 * member carries the {@code BC} extra field), bzip2 {@code BZh}, xz {@code fd 37 7a 58 5a 00}. Concatenated members
 * and streams are read to the end. Damaged or truncated compressed data surfaces as {@link CorruptDataException}.
 */
public final class Decompression {

    private Decompression() {}

    /** An opened file: decompressed content plus the raw byte counter. */
    public record Opened(InputStream content, RawInput raw, Compression compression, long fileBytes)
            implements AutoCloseable {
        @Override
        public void close() throws IOException {
            content.close();
        }
    }

    public static Opened open(Path file) throws IOException, SequenceFormatException {
        long size = Files.size(file);
        if (size == 0) {
            throw new SequenceFormatException(file, null, 0, "file is empty (0 bytes)");
        }
        RawInput raw = new RawInput(Files.newInputStream(file));
        BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
        try {
            byte[] head = peek(buffered, 16);
            Compression compression = detect(file, head);
            InputStream content = switch (compression) {
                case NONE -> buffered;
                case GZIP, BGZF -> guard(compression, () -> new GzipCompressorInputStream(buffered, true));
                case BZIP2 -> guard(compression, () -> new BZip2CompressorInputStream(buffered, true));
                case XZ -> guard(compression, () -> new XZInputStream(buffered));
            };
            return new Opened(content, raw, compression, size);
        } catch (IOException | SequenceFormatException | RuntimeException e) {
            buffered.close();
            if (e instanceof CorruptDataException c) {
                throw new SequenceFormatException(file, null, 0, c.getMessage(), c.getCause());
            }
            throw e;
        }
    }

    static Compression detect(Path file, byte[] h) throws SequenceFormatException {
        if (h.length >= 2 && (h[0] & 0xFF) == 0x1f && (h[1] & 0xFF) == 0x8b) {
            boolean bgzf = h.length >= 14 && (h[3] & 0x04) != 0 && h[12] == 'B' && h[13] == 'C';
            return bgzf ? Compression.BGZF : Compression.GZIP;
        }
        if (h.length >= 3 && h[0] == 'B' && h[1] == 'Z' && h[2] == 'h') {
            return Compression.BZIP2;
        }
        if (h.length >= 6 && (h[0] & 0xFF) == 0xfd && h[1] == '7' && h[2] == 'z' && h[3] == 'X' && h[4] == 'Z'
                && h[5] == 0) {
            return Compression.XZ;
        }
        if (h.length >= 4 && (h[0] & 0xFF) == 0x28 && (h[1] & 0xFF) == 0xb5 && (h[2] & 0xFF) == 0x2f
                && (h[3] & 0xFF) == 0xfd) {
            throw new SequenceFormatException(file, null, 0,
                    "Zstandard-compressed files are not supported; decompress it first (zstd -d)");
        }
        if (h.length >= 4 && h[0] == 'P' && h[1] == 'K' && h[2] == 3 && h[3] == 4) {
            throw new SequenceFormatException(file, null, 0,
                    "this is a ZIP archive, not a sequence file; extract the FASTA/GenBank/EMBL file from it first");
        }
        return Compression.NONE;
    }

    private static byte[] peek(BufferedInputStream in, int n) throws IOException {
        in.mark(n);
        byte[] head = new byte[n];
        int got = 0;
        while (got < n) {
            int r = in.read(head, got, n - got);
            if (r < 0) {
                break;
            }
            got += r;
        }
        in.reset();
        return got == n ? head : java.util.Arrays.copyOf(head, got);
    }

    private interface Opener {
        InputStream open() throws IOException;
    }

    private static InputStream guard(Compression compression, Opener opener) throws IOException {
        try {
            return new Guarded(opener.open(), compression);
        } catch (IOException | RuntimeException e) {
            throw Guarded.translate(e, compression);
        }
    }

    /** Turns decompressor failures (not disk errors, not cancellation) into {@link CorruptDataException}. */
    private static final class Guarded extends FilterInputStream {
        private final Compression compression;

        Guarded(InputStream in, Compression compression) {
            super(in);
            this.compression = compression;
        }

        static IOException translate(Exception e, Compression compression) {
            if (e instanceof RawInput.DiskReadException d) {
                return (IOException) d.getCause();
            }
            if (e instanceof CancellationException c) {
                throw c;
            }
            String name = compression == Compression.BGZF ? "BGZF (gzip)" : compression.name().toLowerCase();
            String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            boolean early = e instanceof java.io.EOFException || detail.toLowerCase().contains("truncat")
                    || detail.toLowerCase().contains("end of");
            String what = early ? " data ends early (truncated or incompletely downloaded file?): "
                    : " data is damaged: ";
            return new CorruptDataException(name + what + detail, e);
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (IOException | RuntimeException e) {
                throw translate(e, compression);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException | RuntimeException e) {
                throw translate(e, compression);
            }
        }
    }
}
