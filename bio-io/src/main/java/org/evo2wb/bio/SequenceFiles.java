package org.evo2wb.bio;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.evo2wb.bio.io.SequenceReader;

/**
 * Entry point: reads any supported sequence file (format and compression detected from the content).
 *
 * <p>Formats: FASTA / multi-FASTA (with {@code ;} comment lines), GenBank, EMBL. Compression: none, gzip, BGZF, bzip2,
 * xz, told from the magic bytes, never from the file name. Every record of the file comes back, in file order, even
 * when records share an identifier. Problems that make the content unusable raise {@link SequenceFormatException}
 * (naming file, record and line); problems that leave it usable become warnings on the record
 * ({@link SequenceRecord#warnings()}). Nothing is skipped silently. See docs/decisions/0001-sequence-parsing.md.
 */
public final class SequenceFiles {

    private SequenceFiles() {}

    /**
     * Reads every record of a FASTA, GenBank or EMBL file, plain or gzip/BGZF/bzip2/xz compressed.
     *
     * @throws SequenceFormatException for malformed content, naming the file, record and line
     * @throws IOException when the file cannot be read at all
     * @throws java.util.concurrent.CancellationException when {@code progress} reports cancellation
     */
    public static List<SequenceRecord> read(Path file, ReadProgress progress) throws IOException, SequenceFormatException {
        List<SequenceRecord> records = new ArrayList<>();
        forEach(file, progress, records::add);
        return records;
    }

    /** {@link #read(Path, ReadProgress)} without progress reports. */
    public static List<SequenceRecord> read(Path file) throws IOException, SequenceFormatException {
        return read(file, ReadProgress.NONE);
    }

    /**
     * Streams the records of a file to {@code sink}, one at a time as each is complete, so a caller that keeps only
     * what it needs (for example the bases as bytes) never holds the whole file. Also hashes the file (SHA-256) on the
     * way, for run manifests.
     *
     * @return what was read: format, compression, counts, SHA-256
     * @throws SequenceFormatException for malformed content, naming the file, record and line; records handed to the
     *     sink before the problem was found stay handed over
     * @throws IOException when the file cannot be read at all
     * @throws java.util.concurrent.CancellationException when {@code progress} reports cancellation
     */
    public static ReadSummary forEach(Path file, ReadProgress progress, Consumer<SequenceRecord> sink)
            throws IOException, SequenceFormatException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(sink, "sink");
        return SequenceReader.read(file, progress, sink);
    }
}
