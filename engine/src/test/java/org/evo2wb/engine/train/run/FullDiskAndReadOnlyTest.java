package org.evo2wb.engine.train.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.StorageType;
import org.evo2wb.engine.checkpoint.TensorInfo;
import org.evo2wb.engine.io.AtomicFiles;
import org.evo2wb.engine.io.DiskFaults;
import org.evo2wb.engine.io.OutputFiles;
import org.evo2wb.engine.score.TrackWriters;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk and a read-only folder while a run writes its checkpoint, its record, its status and its metrics, and
 * while a track is exported: each failure names the file or folder and says what happened, and nothing half-written
 * is left — the previous checkpoint, record and metrics rows read back exactly as they were.
 */
class FullDiskAndReadOnlyTest {

    @TempDir
    Path dir;

    /** Two fp32 tensors of 1,000 values each (8,000 bytes of tensor data), values from the step. */
    private static CheckpointStore.Contents weights(int step) {
        Map<String, TensorInfo> layout = new LinkedHashMap<>();
        layout.put("blocks.0.mlp.l1.weight", new TensorInfo(StorageType.F32, new long[] {10, 100}));
        layout.put("blocks.0.mlp.l2.weight", new TensorInfo(StorageType.F32, new long[] {100, 10}));
        return new CheckpointStore.Contents(layout, key -> {
            ByteBuffer b = ByteBuffer.allocate(4000).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 1000; i++) {
                b.putFloat(step * 1000 + i + (key.contains("l2") ? 0.5f : 0f));
            }
            b.flip();
            return new HostTensor(StorageType.F32, layout.get(key).shape(), b);
        });
    }

    private static JsonObject state(long step) {
        JsonObject loop = new JsonObject();
        loop.addProperty("step", step);
        JsonObject o = new JsonObject();
        o.add("loop", loop);
        return o;
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static float[] floats(HostTensor t) {
        return t.toFloatArray();
    }

    private void assertFirstCheckpointIntact(CheckpointStore store) throws IOException {
        assertEquals(List.of("latest.json", "step-00000001"), names(store.dir()), "nothing half-written is left");
        CheckpointStore.Loaded latest = store.latest().orElseThrow();
        assertEquals(1, latest.step());
        Map<String, HostTensor> w = latest.weights();
        float[] expected = new float[1000];
        for (int i = 0; i < 1000; i++) {
            expected[i] = 1000 + i;
        }
        assertArrayEquals(expected, floats(w.get("blocks.0.mlp.l1.weight")));
    }

    @Test
    void aCheckpointThatFillsTheDiskPartwayIsToldByNameAndTheLastOneStays() throws IOException {
        CheckpointStore store = new CheckpointStore(dir.resolve("checkpoints"));
        store.prepare();
        store.save(1, weights(1), weights(1), state(1));
        // Room for the weights file and half of the optimiser state: the failure comes inside the second file.
        IOException e;
        try (OutputFiles.Restore r = OutputFiles.using(DiskFaults.fullAfter(12_000))) {
            e = assertThrows(IOException.class, () -> store.save(2, weights(2), weights(2), state(2)));
        }
        Path target = store.dir().resolve("step-00000002");
        assertTrue(e.getMessage().startsWith("could not write " + target + ": the disk is full"), e.getMessage());
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
        assertFirstCheckpointIntact(store);
        // The same disk freed: the next checkpoint is written whole.
        store.save(2, weights(2), weights(2), state(2));
        assertEquals(2, store.latest().orElseThrow().step());
    }

    @Test
    void theBestCheckpointOnAFullDiskKeepsThePreviousBest() throws IOException {
        CheckpointStore store = new CheckpointStore(dir.resolve("checkpoints"));
        store.prepare();
        store.saveBest(weights(1), state(1));
        IOException e;
        try (OutputFiles.Restore r = OutputFiles.using(DiskFaults.fullAfter(2_000))) {
            e = assertThrows(IOException.class, () -> store.saveBest(weights(2), state(2)));
        }
        assertTrue(e.getMessage().startsWith("could not write " + store.dir().resolve("best") + ": the disk is full"),
                e.getMessage());
        assertEquals(List.of("best"), names(store.dir()));
        assertEquals(1000f, floats(store.best().orElseThrow().weights().get("blocks.0.mlp.l1.weight"))[0]);
    }

    @Test
    void aCheckpointOnAReadOnlyDiskOrFolderIsToldByNameAndLeavesNothing() throws IOException {
        CheckpointStore store = new CheckpointStore(dir.resolve("checkpoints"));
        store.prepare();
        store.save(1, weights(1), weights(1), state(1));
        Path target = store.dir().resolve("step-00000002");
        try (OutputFiles.Restore r = OutputFiles.using(DiskFaults.readOnlyDisk())) {
            IOException e = assertThrows(IOException.class, () -> store.save(2, weights(2), weights(2), state(2)));
            assertEquals("could not write " + target + ": the disk is read-only (Read-only file system); choose a "
                    + "folder you can write to", e.getMessage());
        }
        assertFirstCheckpointIntact(store);
        try (OutputFiles.Restore r = OutputFiles.using(DiskFaults.permissionDenied())) {
            IOException e = assertThrows(IOException.class, () -> store.save(2, weights(2), weights(2), state(2)));
            assertEquals("could not write " + target + ": permission denied: the folder is read-only or not yours; "
                    + "choose a folder you can write to", e.getMessage());
        }
        assertFirstCheckpointIntact(store);
    }

    @Test
    void aFolderMadeReadOnlyRefusesTheCheckpointByName() throws IOException {
        CheckpointStore store = new CheckpointStore(dir.resolve("checkpoints"));
        store.prepare();
        store.save(1, weights(1), weights(1), state(1));
        assertTrue(store.dir().toFile().setWritable(false, false));
        try {
            // The superuser writes into read-only folders: there the simulated ones above stand in for this.
            Assumptions.assumeFalse(Files.isWritable(store.dir()), "running as the superuser");
            IOException e = assertThrows(IOException.class, () -> store.save(2, weights(2), weights(2), state(2)));
            assertTrue(e.getMessage().startsWith("could not write " + store.dir().resolve("step-00000002")
                    + ": permission denied"), e.getMessage());
        } finally {
            store.dir().toFile().setWritable(true, false);
        }
        assertFirstCheckpointIntact(store);
    }

    @Test
    void theRunRecordAndStatusOnAFullOrReadOnlyDiskKeepTheirLastVersion() throws IOException {
        RunFolder run = new RunFolder(dir.resolve("run"));
        run.checkWritable();
        JsonObject record = new JsonObject();
        record.addProperty("name", "first");
        record.addProperty("padding", "x".repeat(4000));
        run.writeRecord(record);
        RunStatus running = new RunStatus(RunState.RUNNING, "training", 10, 100, Instant.parse("2026-12-07T12:00:00Z"));
        run.writeStatus(running);
        String recordBefore = Files.readString(run.dir().resolve(RunFolder.RECORD));
        String statusBefore = Files.readString(run.dir().resolve(RunFolder.STATUS));

        JsonObject second = record.deepCopy();
        second.addProperty("name", "second");
        try (OutputFiles.Restore r = OutputFiles.using(DiskFaults.fullAfter(1000))) {
            IOException e = assertThrows(IOException.class, () -> run.writeRecord(second));
            assertTrue(e.getMessage().startsWith("could not write " + run.dir().resolve(RunFolder.RECORD)
                    + ": the disk is full"), e.getMessage());
        }
        try (OutputFiles.Restore r = OutputFiles.using(DiskFaults.readOnlyDisk())) {
            IOException e = assertThrows(IOException.class, () -> run.writeStatus(new RunStatus(RunState.FAILED,
                    "stopped", 11, 100, Instant.parse("2026-12-07T12:01:00Z"))));
            assertTrue(e.getMessage().startsWith("could not write " + run.dir().resolve(RunFolder.STATUS)
                    + ": the disk is read-only"), e.getMessage());
        }
        assertEquals(recordBefore, Files.readString(run.dir().resolve(RunFolder.RECORD)));
        assertEquals(statusBefore, Files.readString(run.dir().resolve(RunFolder.STATUS)));
        assertEquals(running.step(), run.readStatus().step());
        assertEquals(List.of(RunFolder.RECORD, RunFolder.STATUS), names(run.dir()));
    }

    @Test
    void metricsRowsCutByAFullDiskAreToldByNameAndTheCompleteRowsReadBack() throws IOException {
        Path file = dir.resolve(RunFolder.METRICS);
        List<List<Object>> rows = new ArrayList<>();
        for (int step = 1; step <= 5; step++) {
            rows.add(Arrays.asList(step, step / 10.0, step * 512L, 3.0 - step * 0.1, 1e-4, 2.5, 900L, step * 0.5,
                    123_456_789L, null, null, null));
        }
        try (MetricsLog log = new MetricsLog(file)) {
            log.open();
            for (List<Object> row : rows.subList(0, 3)) {
                log.append(row);
            }
        }
        try (OutputFiles.Restore r = OutputFiles.using(DiskFaults.fullAfter(30));
             MetricsLog log = new MetricsLog(file)) {
            log.open();
            IOException e = assertThrows(IOException.class, () -> log.append(rows.get(3)));
            assertTrue(e.getMessage().startsWith("could not write " + file + ": the disk is full"), e.getMessage());
        }
        String text = Files.readString(file);
        assertTrue(text.startsWith(String.join(",", MetricsLog.COLUMNS)) && !text.endsWith("\n"),
                "the fourth row is cut partway: " + text);
        List<Map<String, String>> back = MetricsLog.read(file);
        assertEquals(3, back.size());
        assertEquals(List.of("1", "2", "3"), back.stream().map(m -> m.get("step")).toList());
        // Resuming from step 3 rewrites the file without the cut row and appends after it.
        MetricsLog.truncateAfter(file, 3);
        try (MetricsLog log = new MetricsLog(file)) {
            log.open();
            log.append(rows.get(3));
        }
        assertEquals(List.of("1", "2", "3", "4"), MetricsLog.read(file).stream().map(m -> m.get("step")).toList());
    }

    @Test
    void aTrackExportOnAFullDiskKeepsTheOldFileAndLeavesNoTemporaryOne() throws IOException {
        Path out = dir.resolve("tracks").resolve("cor66.bedgraph");
        float[] values = new float[5000];
        for (int i = 0; i < values.length; i++) {
            values[i] = -1.25f + (i % 7) * 0.125f;
        }
        AtomicFiles.writeText(out, w -> TrackWriters.bedGraph(w, "cor66", 0, Arrays.copyOf(values, 10), "before"));
        String before = Files.readString(out);
        try (OutputFiles.Restore r = OutputFiles.using(DiskFaults.fullAfter(20_000))) {
            IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeText(out,
                    w -> TrackWriters.bedGraph(w, "cor66", 0, values, "Evo 2 log-likelihood")));
            assertTrue(e.getMessage().startsWith("could not write " + out.toAbsolutePath() + ": the disk is full"),
                    e.getMessage());
        }
        assertEquals(before, Files.readString(out));
        assertEquals(List.of("cor66.bedgraph"), names(out.getParent()));
        try (OutputFiles.Restore r = OutputFiles.using(DiskFaults.permissionDenied())) {
            Path fresh = dir.resolve("tracks").resolve("new.bedgraph");
            IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeText(fresh,
                    w -> TrackWriters.bedGraph(w, "cor66", 0, values, "x")));
            assertTrue(e.getMessage().startsWith("could not write " + fresh.toAbsolutePath()
                    + ": permission denied"), e.getMessage());
        }
        assertEquals(List.of("cor66.bedgraph"), names(out.getParent()));
    }
}
