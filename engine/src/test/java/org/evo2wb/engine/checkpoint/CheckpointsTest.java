package org.evo2wb.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.evo2wb.engine.model.CheckpointSummary;
import org.evo2wb.engine.model.Evo2Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {

    @TempDir
    Path tmp;

    @Test
    void opensEachFormatByContent() throws IOException {
        Map<String, HostTensor> ref = TorchCheckpoint.readTensors(Golden.path("tiny.pt"));
        Path st = tmp.resolve("weights.bin"); // the name says nothing; the header does
        Safetensors.write(st, ref, Map.of());
        Path pt = tmp.resolve("weights.data");
        Files.copy(Golden.path("tiny.pt"), pt);
        byte[] whole = Files.readAllBytes(pt);
        Files.write(tmp.resolve("w.pt.part0"), java.util.Arrays.copyOf(whole, 100_000));
        Files.write(tmp.resolve("w.pt.part1"), java.util.Arrays.copyOfRange(whole, 100_000, whole.length));
        Object[][] cases = {{pt, CheckpointFile.Format.TORCH_ZIP}, {st, CheckpointFile.Format.SAFETENSORS},
            {tmp.resolve("w.pt.part1"), CheckpointFile.Format.TORCH_ZIP_SHARDS}};
        for (Object[] c : cases) {
            try (CheckpointFile f = Checkpoints.open((Path) c[0])) {
                assertEquals(c[1], f.format());
                PtWriterTest.assertSameTensors(ref, f.tensors());
            }
        }
    }

    @Test
    void unknownAndLegacyFilesAreNamed() throws IOException {
        Path txt = Files.writeString(tmp.resolve("notes.pt"), "ACGTACGT");
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(txt));
        assertTrue(e.getMessage().contains("notes.pt") && e.getMessage().contains("41 43 47 54"), e.getMessage());
        Path legacy = tmp.resolve("old.pt");
        Files.write(legacy, new byte[] {(byte) 0x80, 0x02, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46});
        e = assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(legacy));
        assertTrue(e.getMessage().contains("old.pt") && e.getMessage().contains("legacy"), e.getMessage());
        e = assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(tmp.resolve("absent.pt")));
        assertTrue(e.getMessage().contains("absent.pt"), e.getMessage());
    }

    @Test
    void describeTheTinyCheckpoint() throws IOException {
        try (CheckpointFile f = Checkpoints.open(Golden.path("tiny.pt"))) {
            CheckpointSummary s = CheckpointSummary.of(f);
            assertEquals(55, s.tensorCount());
            // sum of the 55 data/<n> entry sizes listed by `unzip -l tiny.pt`
            assertEquals(560_352, s.totalBytes());
            assertEquals(Map.of(StorageType.BF16, 53, StorageType.F32, 2), s.dtypeCounts());
            assertEquals(Optional.of(128), s.innerMlpSize());
            assertEquals(List.of(), s.matchingPresets());
            assertTrue(s.toString().contains("55 tensors"), s.toString());
        }
    }

    /** Shapes generated from the presets stand in for the 2–82 GB released files. */
    @Test
    void presetInferenceFromShapes() {
        assertEquals(List.of("evo2-7b-8k", "evo2-7b-262k"),
                Evo2Config.presetsMatching(Evo2Config.preset("evo2-7b-8k").checkpointShapes(true)));
        assertEquals(List.of("evo2-7b-1m"),
                Evo2Config.presetsMatching(Evo2Config.preset("evo2-7b-1m").checkpointShapes(true)));
        assertEquals(List.of("evo2-20b-1m"),
                Evo2Config.presetsMatching(Evo2Config.preset("evo2-20b-1m").checkpointShapes(false)));
        assertEquals(List.of("evo2-40b-1m"),
                Evo2Config.presetsMatching(Evo2Config.preset("evo2-40b-1m").checkpointShapes(true)));
        assertEquals(List.of("evo2-1b-8k"),
                Evo2Config.presetsMatching(Evo2Config.preset("evo2-1b-8k").checkpointShapes(true)));
    }
}
