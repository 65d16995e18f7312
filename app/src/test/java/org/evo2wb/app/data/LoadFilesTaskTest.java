package org.evo2wb.app.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.evo2wb.app.TestData;
import org.evo2wb.bio.SequenceFormatException;
import org.evo2wb.engine.task.TaskRunner;
import org.evo2wb.engine.task.TaskStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadFilesTaskTest {

    @Test
    void readsFilesInOrderWithQcFigures() {
        LoadFilesTask task = new LoadFilesTask(List.of(TestData.cor66(), TestData.pPCP1()));
        task.run();
        assertEquals(TaskStatus.FINISHED, task.status());
        LoadResult result = task.result().join();
        assertEquals(List.of(6, 1), result.files().stream().map(f -> f.records().size()).toList());
        assertEquals(2819 + 9609, result.files().stream().mapToLong(LoadedFile::totalLength).sum());
        assertEquals(38 + 41, result.files().stream().mapToLong(LoadedFile::totalFeatures).sum());
        LoadedRecord plasmid = result.records().get(6);
        assertEquals(9609, plasmid.qc().length());
        assertEquals(41, plasmid.qc().featureCounts().values().stream().mapToInt(Integer::intValue).sum());
        assertEquals(1.0, task.fraction(), 1e-12);
    }

    @Test
    void aFormatErrorBecomesAFailureAndTheOtherFilesAreStillRead(@TempDir Path dir) throws Exception {
        Path good = Files.writeString(dir.resolve("good.fa"), ">a\nACGT\n");
        Path bad = Files.writeString(dir.resolve("bad.gb"), "LOCUS x\n");
        LoadFilesTask task = new LoadFilesTask(List.of(bad, good), (file, progress) -> {
            if (file.equals(bad)) {
                throw new SequenceFormatException(file, "X1", 12, "sequence line has a\nbroken character");
            }
            return List.of();
        });
        task.run();
        LoadResult result = task.result().join();
        assertEquals(List.of(good), result.files().stream().map(LoadedFile::file).toList());
        assertEquals(1, result.failures().size());
        LoadFailure f = result.failures().get(0);
        assertEquals("bad.gb, line 12, record X1: sequence line has a broken character", f.message());
        assertEquals("X1", f.record());
        assertEquals(12, f.line());
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nowhere.fasta");
        LoadFilesTask task = new LoadFilesTask(List.of(missing));
        task.run();
        LoadFailure f = task.result().join().failures().get(0);
        assertTrue(f.message().startsWith("nowhere.fasta"), f.message());
        assertNull(f.record());
    }

    @Test
    void cancellingStopsTheReaderAndEndsCancelled(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("big.fa"), ">a\nACGT\n");
        CountDownLatch reading = new CountDownLatch(1);
        LoadFilesTask task = new LoadFilesTask(List.of(file), (f, progress) -> {
            progress.update(4, 8, 0);
            reading.countDown();
            while (!progress.isCancelled()) {
                Thread.onSpinWait();
            }
            throw new CancellationException();
        });
        try (TaskRunner runner = new TaskRunner(1)) {
            runner.submit(task);
            assertTrue(reading.await(10, TimeUnit.SECONDS));
            assertEquals(TaskStatus.RUNNING, task.status());
            assertTrue(task.message().startsWith("Reading big.fa"), task.message());
            task.cancel();
            assertThrows(Exception.class, () -> task.result().get(10, TimeUnit.SECONDS));
            assertEquals(TaskStatus.CANCELLED, task.status());
        }
    }

    @Test
    void gcProfileCountsOnlyAcgtAndIgnoresCase() {
        GcProfile p = GcProfile.of("GGccAATTNNNNgcgc", 4);
        assertEquals(16, p.length());
        assertEquals(4, p.windows());
        assertEquals(1.0, p.values()[0]);
        assertEquals(0.0, p.values()[1]);
        assertTrue(Double.isNaN(p.values()[2]));
        assertEquals(1.0, p.values()[3]);
        assertEquals(3, GcProfile.of("ACG", 600).windows());
        assertEquals(1, GcProfile.overview("ACGT".repeat(20)).windows());
        assertEquals(96, GcProfile.overview("A".repeat(9609)).windows());
        assertEquals(GcProfile.MAX_WINDOWS, GcProfile.overview("A".repeat(1_000_000)).windows());
    }
}
