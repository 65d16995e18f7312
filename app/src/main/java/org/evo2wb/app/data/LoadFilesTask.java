package org.evo2wb.app.data;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.evo2wb.bio.ReadProgress;
import org.evo2wb.bio.RecordQc;
import org.evo2wb.bio.SequenceFiles;
import org.evo2wb.bio.SequenceFormatException;
import org.evo2wb.bio.SequenceRecord;
import org.evo2wb.engine.task.EngineTask;

/**
 * Reads sequence files and computes each record's QC figures. The workbench's Data view runs it in the background
 * and polls it; {@code evo2wb inspect} runs it on its own thread. A file that cannot be read becomes a
 * {@link LoadFailure} and the remaining files are still read; cancelling stops the whole task.
 *
 * <p>Progress counts compressed bytes over all files, as the reader reports them.
 */
public final class LoadFilesTask extends EngineTask<LoadResult> {

    /** How a file becomes records; {@link SequenceFiles#read} in the product. */
    @FunctionalInterface
    public interface Reader {
        List<SequenceRecord> read(Path file, ReadProgress progress) throws IOException, SequenceFormatException;
    }

    private final List<Path> files;
    private final Reader reader;

    public LoadFilesTask(List<Path> files) {
        this(files, SequenceFiles::read);
    }

    public LoadFilesTask(List<Path> files, Reader reader) {
        super(files.size() == 1 ? "Loading " + name(files.get(0)) : "Loading " + files.size() + " files");
        this.files = List.copyOf(files);
        this.reader = reader;
    }

    @Override
    protected LoadResult call() {
        long totalBytes = 0;
        for (Path f : files) {
            totalBytes += sizeOrZero(f);
        }
        List<LoadedFile> loaded = new ArrayList<>();
        List<LoadFailure> failures = new ArrayList<>();
        long before = 0;
        for (Path file : files) {
            checkCancelled();
            message("Reading " + name(file));
            try {
                loaded.add(new LoadedFile(file, readOne(file, before, totalBytes)));
            } catch (SequenceFormatException e) {
                failures.add(new LoadFailure(file, oneLine(e.getMessage()), e.record(), e.line()));
            } catch (NoSuchFileException e) {
                failures.add(new LoadFailure(file, name(file) + ": no such file", null, 0));
            } catch (AccessDeniedException e) {
                failures.add(new LoadFailure(file, name(file) + ": permission denied", null, 0));
            } catch (IOException e) {
                failures.add(new LoadFailure(file, name(file) + ": cannot read: " + oneLine(describe(e)), null, 0));
            } catch (CancellationException e) {
                throw e;
            } catch (RuntimeException e) {
                failures.add(new LoadFailure(file, name(file) + ": unexpected error: " + oneLine(describe(e)), null, 0));
            }
            before += sizeOrZero(file);
            progress(before, totalBytes);
        }
        return new LoadResult(loaded, failures);
    }

    private List<LoadedRecord> readOne(Path file, long before, long totalBytes)
            throws IOException, SequenceFormatException {
        String name = name(file);
        List<SequenceRecord> records = reader.read(file, new ReadProgress() {
            @Override
            public void update(long bytesRead, long fileBytes, int recordsDone) {
                progress(before + bytesRead, totalBytes);
                message("Reading " + name + ": " + recordsDone + (recordsDone == 1 ? " record" : " records"));
            }

            @Override
            public boolean isCancelled() {
                return isCancelRequested();
            }
        });
        List<LoadedRecord> out = new ArrayList<>(records.size());
        for (SequenceRecord r : records) {
            checkCancelled();
            out.add(new LoadedRecord(file, r, RecordQc.of(r), GcProfile.overview(r.sequence())));
        }
        return out;
    }

    private static long sizeOrZero(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private static String name(Path file) {
        Path n = file.getFileName();
        return n == null ? file.toString() : n.toString();
    }

    /** Collapses line breaks so that a message stays on one line. */
    public static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
