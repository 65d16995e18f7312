package org.evo2wb.engine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @Test
    void aCancelledWriteKeepsTheOldFileAndLeavesNothingBehind(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("out.tsv");
        AtomicFiles.writeText(target, w -> w.write("first\n"));
        assertEquals("first\n", Files.readString(target));
        assertThrows(CancellationException.class, () -> AtomicFiles.writeText(target, w -> {
            w.write("half of the second");
            throw new CancellationException("stop");
        }));
        assertEquals("first\n", Files.readString(target));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
        AtomicFiles.writeText(target, w -> w.write("second\n"));
        assertEquals("second\n", Files.readString(target));
    }
}
