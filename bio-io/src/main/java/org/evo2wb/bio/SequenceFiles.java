package org.evo2wb.bio;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Entry point: reads any supported sequence file (format and compression detected from the content). */
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
        throw new UnsupportedOperationException("to be implemented in bio-io");
    }
}
