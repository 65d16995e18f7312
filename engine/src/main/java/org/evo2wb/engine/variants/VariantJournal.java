package org.evo2wb.engine.variants;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The results so far of scoring a VCF, kept beside the output ({@code OUT.evo2wb-partial}) so that an interrupted
 * run continues where it stopped. Text, one line per ALT allele:
 * {@code record allele status window_start ref_mean alt_mean detail}, then {@code done N} after each group of
 * records (N = records finished). The first line names the inputs; a journal of other inputs is started afresh.
 * Anything after the last {@code done} line (a group cut short) is dropped on resume.
 */
final class VariantJournal implements AutoCloseable {

    static final String MAGIC = "#evo2wb-variants-journal-v1";

    /** One allele's outcome as stored. */
    record Entry(long record, int allele, String status, long windowStart, double refMean, double altMean,
                 String detail) {

        boolean scored() {
            return status.equals("ok");
        }

        double delta() {
            return altMean - refMean;
        }

        String line() {
            return record + "\t" + allele + "\t" + status + "\t" + windowStart + "\t" + refMean + "\t" + altMean
                    + "\t" + (detail.isEmpty() ? "." : detail) + "\n";
        }

        static Entry parse(Path file, String line) throws IOException {
            String[] f = line.split("\t", -1);
            if (f.length != 7) {
                throw new IOException(file + ": damaged line '" + line + "'; delete the file to start afresh");
            }
            return new Entry(Long.parseLong(f[0]), Integer.parseInt(f[1]), f[2], Long.parseLong(f[3]),
                    Double.parseDouble(f[4]), Double.parseDouble(f[5]), f[6].equals(".") ? "" : f[6]);
        }
    }

    private final Path file;
    private final Writer out;
    private final long done;

    private VariantJournal(Path file, Writer out, long done) {
        this.file = file;
        this.out = out;
        this.done = done;
    }

    /** Opens the journal for {@code fingerprint}: the records already finished are kept, others dropped. */
    static VariantJournal open(Path file, String fingerprint) throws IOException {
        long done = 0;
        long keep = -1;
        if (Files.isRegularFile(file)) {
            try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String first = r.readLine();
                if (first != null && first.equals(MAGIC + "\t" + fingerprint)) {
                    long bytes = first.length() + 1L;
                    keep = bytes;
                    String line;
                    while ((line = r.readLine()) != null) {
                        bytes += line.getBytes(StandardCharsets.UTF_8).length + 1L;
                        if (line.startsWith("done\t")) {
                            done = Long.parseLong(line.substring(5));
                            keep = bytes;
                        }
                    }
                }
            }
        }
        if (keep < 0) {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, MAGIC + "\t" + fingerprint + "\n", StandardCharsets.UTF_8);
        } else {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(keep);
            }
        }
        Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        return new VariantJournal(file, w, done);
    }

    /** Records finished before this run. */
    long done() {
        return done;
    }

    /** Appends a finished group: its alleles' entries, then the count of records finished. */
    void commit(List<Entry> entries, long recordsDone) throws IOException {
        for (Entry e : entries) {
            out.write(e.line());
        }
        out.write("done\t" + recordsDone + "\n");
        out.flush();
    }

    Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    /** Reads the entries back in order, for writing the outputs. */
    static final class Reader implements AutoCloseable {
        private final Path file;
        private final BufferedReader in;
        private Entry next;

        Reader(Path file) throws IOException {
            this.file = file;
            this.in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
            in.readLine();
            advance();
        }

        private void advance() throws IOException {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.startsWith("done\t")) {
                    next = Entry.parse(file, line);
                    return;
                }
            }
            next = null;
        }

        /** The next entry if it belongs to {@code record}, else null. */
        Entry take(long record) throws IOException {
            if (next == null || next.record() != record) {
                return null;
            }
            Entry e = next;
            advance();
            return e;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
