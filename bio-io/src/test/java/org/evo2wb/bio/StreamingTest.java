package org.evo2wb.bio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A bacterial-genome-sized file streams with progress reports and stops on cancellation. */
class StreamingTest {

    @TempDir
    Path dir;

    /** Records progress calls. */
    static final class Recorder implements ReadProgress {
        final List<long[]> calls = new ArrayList<>();
        final int cancelAfter;

        Recorder(int cancelAfter) {
            this.cancelAfter = cancelAfter;
        }

        @Override
        public synchronized void update(long bytesRead, long totalBytes, int records) {
            calls.add(new long[] {bytesRead, totalBytes, records});
        }

        @Override
        public synchronized boolean isCancelled() {
            return calls.size() >= cancelAfter;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"xz", "gzip"})
    void fiveMegabaseGenomeStreamsWithProgress(String compression) throws Exception {
        // shaped like K. pneumoniae NTUH-K2044: a 5.25 Mb chromosome and a 224 kb plasmid
        String chromosome = SyntheticGenome.bases(5_248_520, 11, true);
        String plasmid = SyntheticGenome.bases(224_152, 12, false);
        Path file = SyntheticGenome.write(dir.resolve("genome." + compression), compression, 80, chromosome, plasmid);

        Recorder progress = new Recorder(Integer.MAX_VALUE);
        List<SequenceRecord> records = SequenceFiles.read(file, progress);

        assertEquals(2, records.size());
        assertEquals(chromosome, records.get(0).sequence());
        assertEquals(plasmid, records.get(1).sequence());
        assertEquals(1000 - 1, records.get(0).sequence().chars().filter(Character::isLowerCase).count());
        long size = Files.size(file);
        assertTrue(progress.calls.size() >= 3, "progress calls: " + progress.calls.size());
        long previous = -1;
        for (long[] c : progress.calls) {
            assertTrue(c[0] >= previous, "bytes read never go back");
            assertEquals(size, c[1]);
            previous = c[0];
        }
        long[] last = progress.calls.get(progress.calls.size() - 1);
        assertEquals(size, last[0]);
        assertEquals(2, last[2]);
    }

    @Test
    void cancellationStopsTheReader() throws Exception {
        String chromosome = SyntheticGenome.bases(3_000_000, 5, false);
        Path file = SyntheticGenome.write(dir.resolve("genome.fa"), "plain", 60, chromosome);
        Recorder progress = new Recorder(1);
        List<SequenceRecord> seen = new ArrayList<>();
        CancellationException e = assertThrows(CancellationException.class,
                () -> SequenceFiles.forEach(file, progress, seen::add));
        assertTrue(e.getMessage().contains("genome.fa"));
        assertEquals(1, progress.calls.size());
        assertTrue(progress.calls.get(0)[0] < Files.size(file), "stopped before the end");
        assertTrue(seen.isEmpty());
    }

    @Test
    void wholeChromosomeOnOneLineStreamsThroughTheBuffer() throws Exception {
        String chromosome = SyntheticGenome.bases(2_000_003, 9, true);
        Path file = SyntheticGenome.write(dir.resolve("oneline.fa.gz"), "gzip", 0, chromosome, "ACGTN");
        List<SequenceRecord> r = SequenceFiles.read(file);
        assertEquals(chromosome, r.get(0).sequence());
        assertEquals("ACGTN", r.get(1).sequence());
        assertEquals("synthetic record 0", r.get(0).description());
    }
}
