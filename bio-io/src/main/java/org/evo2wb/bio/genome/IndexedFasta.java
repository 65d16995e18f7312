package org.evo2wb.bio.genome;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPInputStream;
import org.evo2wb.bio.io.CountingInputStream;

/**
 * A reference genome FASTA read by random access through its {@code .fai} index (and {@code .gzi} block index when
 * bgzip-compressed): fetching a window reads only the bytes (or the one or two BGZF blocks) that hold it, so a
 * 3 GB genome is never read whole.
 *
 * <p>Missing indexes are built on open (one streaming pass, reported to {@link Progress}) and written beside the
 * FASTA as {@code samtools faidx} does, unless the FASTA or its folder is read-only: then they go to a cache folder,
 * under a name derived from the FASTA's absolute path, size and modification time. A plain gzip FASTA (not bgzip)
 * cannot be read by random access: it is decompressed once into the cache folder and that copy is indexed.
 */
public final class IndexedFasta implements AutoCloseable {

    /** What opening reports while it builds an index or decompresses. */
    public interface Progress {
        Progress NONE = (what, done, total) -> { };

        /**
         * @param what e.g. "Indexing GRCh38.fa.gz"
         * @param done bytes processed
         * @param total bytes to process, or -1 when unknown
         */
        void update(String what, long done, long total);
    }

    private final Path fasta;
    private final Path data;
    private final FastaIndex index;
    private final FileChannel channel;
    private final List<Bgzf.Block> blocks;       // null for plain files
    private long cachedBlock = -1;
    private byte[] cachedData;

    private IndexedFasta(Path fasta, Path data, FastaIndex index, List<Bgzf.Block> blocks) throws IOException {
        this.fasta = fasta;
        this.data = data;
        this.index = index;
        this.blocks = blocks;
        this.channel = FileChannel.open(data, StandardOpenOption.READ);
    }

    /**
     * Opens {@code fasta} (plain, gzip or bgzip), building what index is missing.
     *
     * @param cacheFolder where indexes (and the decompressed copy of a plain gzip FASTA) go when the FASTA's folder
     *                    is read-only
     */
    public static IndexedFasta open(Path file, Path cacheFolder, Progress progress, BooleanSupplier cancelled)
            throws IOException {
        Path fasta = file.toAbsolutePath();
        if (!Files.isRegularFile(fasta)) {
            throw new IOException(fasta + ": no such reference FASTA file");
        }
        byte[] head = new byte[18];
        int got;
        try (InputStream in = Files.newInputStream(fasta)) {
            got = in.readNBytes(head, 0, head.length);
        }
        boolean gzip = got >= 2 && (head[0] & 0xFF) == 0x1f && (head[1] & 0xFF) == 0x8b;
        if (gzip && !Bgzf.isBgzf(head)) {
            Path plain = decompressed(fasta, cacheFolder, progress, cancelled);
            return open(plain, cacheFolder, progress, cancelled);
        }
        List<Bgzf.Block> blocks = null;
        if (gzip) {
            Path gzi = find(fasta, ".gzi", cacheFolder);
            if (gzi != null) {
                try (InputStream in = Files.newInputStream(gzi)) {
                    blocks = Bgzf.readGzi(gzi, in);
                }
            } else {
                progress.update("Indexing blocks of " + fasta.getFileName(), 0, Files.size(fasta));
                try (FileChannel ch = FileChannel.open(fasta, StandardOpenOption.READ)) {
                    blocks = Bgzf.scanBlocks(fasta, ch);
                }
                byte[] bytes = Bgzf.gziBytes(blocks);
                writeIndex(fasta, ".gzi", cacheFolder, out -> out.write(bytes));
            }
        }
        Path fai = find(fasta, ".fai", cacheFolder);
        FastaIndex index;
        if (fai != null) {
            index = FastaIndex.parse(fai, Files.readString(fai, StandardCharsets.US_ASCII));
        } else {
            long total = Files.size(fasta);
            String what = "Indexing " + fasta.getFileName();
            try (InputStream raw = Files.newInputStream(fasta);
                 CountingInputStream counted = new CountingInputStream(raw);
                 InputStream in = gzip ? new GZIPInputStream(counted, 1 << 16) : new BufferedInputStream(counted,
                         1 << 16)) {
                index = FastaIndex.build(fasta, in, d -> progress.update(what, counted.count(), total), cancelled);
            }
            StringWriter w = new StringWriter();
            index.write(w);
            byte[] text = w.toString().getBytes(StandardCharsets.US_ASCII);
            writeIndex(fasta, ".fai", cacheFolder, out -> out.write(text));
        }
        return new IndexedFasta(fasta, fasta, index, blocks);
    }

    /** The sequences by name, in file order. */
    public Map<String, FastaIndex.Entry> sequences() {
        return index.entries();
    }

    public Path file() {
        return fasta;
    }

    /** Length of sequence {@code name}, if the reference has it. */
    public Optional<Long> length(String name) {
        FastaIndex.Entry e = index.entries().get(name);
        return e == null ? Optional.empty() : Optional.of(e.length());
    }

    /**
     * Bases {@code [start, end)} (0-based) of sequence {@code name}, as stored (case kept).
     *
     * @throws IllegalArgumentException when the name is unknown or the range leaves the sequence
     */
    public String fetch(String name, long start, long end) throws IOException {
        FastaIndex.Entry e = index.entries().get(name);
        if (e == null) {
            throw new IllegalArgumentException(fasta + ": no sequence named '" + name + "'");
        }
        if (start < 0 || end > e.length() || start > end) {
            throw new IllegalArgumentException(fasta + ": range " + start + "-" + end + " leaves sequence '" + name
                    + "' of " + e.length() + " bases");
        }
        if (start == end) {
            return "";
        }
        long from = e.byteOf(start);
        long to = e.byteOf(end - 1) + 1;
        byte[] raw = read(from, (int) (to - from));
        StringBuilder sb = new StringBuilder((int) (end - start));
        for (byte b : raw) {
            if (b != '\n' && b != '\r') {
                sb.append((char) (b & 0xFF));
            }
        }
        if (sb.length() != end - start) {
            throw new IOException(fasta + ": index and file disagree for '" + name + "' (the FASTA changed after "
                    + "its .fai was written?); delete the .fai to rebuild it");
        }
        return sb.toString();
    }

    private byte[] read(long from, int n) throws IOException {
        byte[] out = new byte[n];
        if (blocks == null) {
            ByteBuffer b = ByteBuffer.wrap(out);
            long p = from;
            while (b.hasRemaining()) {
                int r = channel.read(b, p);
                if (r < 0) {
                    throw new IOException(data + ": ends before byte " + (from + n) + "; delete its .fai to rebuild");
                }
                p += r;
            }
            return out;
        }
        int got = 0;
        long u = from;
        while (got < n) {
            int k = blockIndex(u);
            Bgzf.Block blk = blocks.get(k);
            if (cachedBlock != blk.compressedOffset()) {
                cachedData = Bgzf.readBlock(fasta, channel, blk.compressedOffset());
                cachedBlock = blk.compressedOffset();
            }
            int inBlock = (int) (u - blk.uncompressedOffset());
            int take = Math.min(n - got, cachedData.length - inBlock);
            if (take <= 0) {
                throw new IOException(fasta + ": the .gzi index does not match the file; delete it to rebuild");
            }
            System.arraycopy(cachedData, inBlock, out, got, take);
            got += take;
            u += take;
        }
        return out;
    }

    private int blockIndex(long u) {
        int lo = 0;
        int hi = blocks.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (blocks.get(mid).uncompressedOffset() <= u) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    // ---- where indexes live ----

    private interface Content {
        void write(OutputStream out) throws IOException;
    }

    /** The index beside the FASTA or in the cache, when present and not older than the FASTA. */
    static Path find(Path fasta, String suffix, Path cacheFolder) throws IOException {
        Path beside = fasta.resolveSibling(fasta.getFileName() + suffix);
        long modified = Files.getLastModifiedTime(fasta).toMillis();
        if (Files.isRegularFile(beside) && Files.getLastModifiedTime(beside).toMillis() >= modified) {
            return beside;
        }
        Path cached = cached(fasta, suffix, cacheFolder);
        return Files.isRegularFile(cached) ? cached : null;
    }

    /** Where an index goes: beside a writable FASTA, else the cache folder. */
    static Path target(Path fasta, String suffix, Path cacheFolder) throws IOException {
        Path folder = fasta.toAbsolutePath().getParent();
        if (!readOnly(fasta) && folder != null && Files.isWritable(folder) && !readOnly(folder)) {
            return fasta.resolveSibling(fasta.getFileName() + suffix);
        }
        return cached(fasta, suffix, cacheFolder);
    }

    private static void writeIndex(Path fasta, String suffix, Path cacheFolder, Content c) throws IOException {
        Path target = target(fasta, suffix, cacheFolder);
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                c.write(out);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Read-only by its permission bits (owner may not write), also for a user the system lets write anyway. */
    private static boolean readOnly(Path p) throws IOException {
        if (!Files.isWritable(p)) {
            return true;
        }
        try {
            return !Files.getPosixFilePermissions(p).contains(java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        } catch (UnsupportedOperationException notPosix) {
            return false;
        }
    }

    static Path cached(Path fasta, String suffix, Path cacheFolder) throws IOException {
        Path abs = fasta.toAbsolutePath().normalize();
        String key = abs + "|" + Files.size(fasta) + "|" + Files.getLastModifiedTime(fasta).toMillis();
        return cacheFolder.resolve(sha(key).substring(0, 16)).resolve(fasta.getFileName() + suffix);
    }

    private static Path decompressed(Path gz, Path cacheFolder, Progress progress, BooleanSupplier cancelled)
            throws IOException {
        String name = gz.getFileName().toString().replaceFirst("(?i)\\.gz$", "");
        Path target = cached(gz, "", cacheFolder).resolveSibling(name);
        if (Files.isRegularFile(target)) {
            return target;
        }
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), name, ".part");
        long total = Files.size(gz);
        String what = "Decompressing " + gz.getFileName() + " (plain gzip has no random access; bgzip avoids this)";
        try (InputStream raw = Files.newInputStream(gz); CountingInputStream counted = new CountingInputStream(raw);
             InputStream in = new GZIPInputStream(counted, 1 << 16); OutputStream out = Files.newOutputStream(tmp)) {
            byte[] buf = new byte[1 << 16];
            int n;
            long next = 0;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                if (counted.count() >= next) {
                    progress.update(what, counted.count(), total);
                    next = counted.count() + (4 << 20);
                    if (cancelled.getAsBoolean()) {
                        throw new CancellationException("decompressing cancelled");
                    }
                }
            }
        } catch (java.util.zip.ZipException | java.io.EOFException z) {
            Files.deleteIfExists(tmp);
            throw new IOException(gz + ": damaged or truncated gzip data: " + z.getMessage(), z);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    private static String sha(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                    s.getBytes(StandardCharsets.UTF_8))).toLowerCase(Locale.ROOT);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
