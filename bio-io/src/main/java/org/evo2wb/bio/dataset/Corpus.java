package org.evo2wb.bio.dataset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.evo2wb.bio.Compression;
import org.evo2wb.bio.ReadProgress;
import org.evo2wb.bio.ReadSummary;
import org.evo2wb.bio.SequenceFiles;
import org.evo2wb.bio.SequenceFormat;
import org.evo2wb.bio.SequenceFormatException;
import org.evo2wb.bio.SequenceRecord;

/**
 * The sequences a dataset is cut from (case as in the file), indexed by record. The records' Strings are kept as
 * they are (Java stores ASCII text one byte per character), so there is no extra copy; reading files streams them
 * record by record, so a 42 Mb corpus costs about 42 MB plus the record being read.
 */
public final class Corpus {

    /** A file the corpus was read from, for the run manifest. */
    public record SourceFile(Path path, String sha256, long fileBytes, SequenceFormat format, Compression compression,
            int records, long bases) {}

    private final List<String> ids = new ArrayList<>();
    private final List<String> sources = new ArrayList<>();
    private final List<String> sequences = new ArrayList<>();
    private final List<SourceFile> files = new ArrayList<>();
    private long totalBases;

    private Corpus() {}

    /**
     * Reads every record of the files, in order. Progress counts bytes over all files together.
     *
     * @throws SequenceFormatException from the first file that cannot be read, naming file, record and line
     */
    public static Corpus read(List<Path> paths, ReadProgress progress) throws IOException, SequenceFormatException {
        Corpus corpus = new Corpus();
        long total = 0;
        for (Path p : paths) {
            total += java.nio.file.Files.size(p);
        }
        long[] done = {0};
        int[] recordsBefore = {0};
        long grandTotal = total;
        for (Path p : paths) {
            ReadProgress perFile = new ReadProgress() {
                @Override
                public void update(long bytesRead, long totalBytes, int records) {
                    progress.update(done[0] + bytesRead, grandTotal, recordsBefore[0] + records);
                }

                @Override
                public boolean isCancelled() {
                    return progress.isCancelled();
                }
            };
            ReadSummary s = SequenceFiles.forEach(p, perFile, corpus::add);
            corpus.files.add(new SourceFile(p, s.sha256(), s.fileBytes(), s.format(), s.compression(), s.records(),
                    s.bases()));
            done[0] += s.fileBytes();
            recordsBefore[0] += s.records();
        }
        return corpus;
    }

    /** A corpus of records already in memory (no source files listed). */
    public static Corpus of(List<SequenceRecord> records) {
        Corpus corpus = new Corpus();
        records.forEach(corpus::add);
        return corpus;
    }

    private void add(SequenceRecord r) {
        if (sequences.size() >= WindowSet.MAX_RECORDS) {
            throw new IllegalArgumentException("a dataset holds at most " + WindowSet.MAX_RECORDS + " records");
        }
        ids.add(r.id());
        sources.add(r.source());
        sequences.add(r.sequence());
        totalBases += r.length();
    }

    public int size() {
        return sequences.size();
    }

    public String id(int record) {
        return ids.get(record);
    }

    /** {@code file:line} of the record's first line. */
    public String source(int record) {
        return sources.get(record);
    }

    public int length(int record) {
        return sequences.get(record).length();
    }

    /** The record's bases. */
    public String sequence(int record) {
        return sequences.get(record);
    }

    public long totalBases() {
        return totalBases;
    }

    /** The files read, in order (empty for {@link #of(List)}). */
    public List<SourceFile> files() {
        return List.copyOf(files);
    }
}
