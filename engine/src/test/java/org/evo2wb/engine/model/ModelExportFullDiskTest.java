package org.evo2wb.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.evo2wb.engine.io.DiskFaults;
import org.evo2wb.engine.io.OutputFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exporting the tiny golden model (.pt and safetensors) onto a disk that fills up partway or is read-only: the
 * message names the file, an earlier export of the same name is kept byte for byte, and no temporary file is left.
 */
class ModelExportFullDiskTest {

    @TempDir
    Path dir;

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aFullDiskPartwayKeepsTheEarlierExportAndNamesTheFile() throws Exception {
        Path pt = dir.resolve("model.pt");
        Path st = dir.resolve("model.safetensors");
        try (StripedHyena model = StripedHyena.load(TinyGolden.path("tiny.pt"), TinyGolden.config(), Device.cpu(),
                Precision.FP32)) {
            ModelExport.writePt(model, pt, ModelExport.Dtypes.RELEASED);
            ModelExport.writeSafetensors(model, st, ModelExport.Dtypes.FP32);
            byte[] ptBefore = Files.readAllBytes(pt);
            byte[] stBefore = Files.readAllBytes(st);
            assertTrue(ptBefore.length > 100_000 && stBefore.length > 100_000, ptBefore.length + ", " + stBefore.length);
            try (OutputFiles.Restore r = OutputFiles.using(DiskFaults.fullAfter(ptBefore.length / 2))) {
                IOException e = assertThrows(IOException.class,
                        () -> ModelExport.writePt(model, pt, ModelExport.Dtypes.FP32));
                assertTrue(e.getMessage().startsWith("could not write " + pt + ": the disk is full"), e.getMessage());
            }
            try (OutputFiles.Restore r = OutputFiles.using(DiskFaults.fullAfter(stBefore.length / 3))) {
                IOException e = assertThrows(IOException.class,
                        () -> ModelExport.writeSafetensors(model, st, ModelExport.Dtypes.RELEASED));
                assertTrue(e.getMessage().startsWith("could not write " + st + ": the disk is full"), e.getMessage());
            }
            try (OutputFiles.Restore r = OutputFiles.using(DiskFaults.readOnlyDisk())) {
                Path other = dir.resolve("other.safetensors");
                IOException e = assertThrows(IOException.class,
                        () -> ModelExport.writeSafetensors(model, other, ModelExport.Dtypes.FP32));
                assertEquals("could not write " + other + ": the disk is read-only (Read-only file system); choose "
                        + "a folder you can write to", e.getMessage());
            }
            assertArrayEquals(ptBefore, Files.readAllBytes(pt));
            assertArrayEquals(stBefore, Files.readAllBytes(st));
            assertEquals(List.of("model.pt", "model.safetensors"), names(dir));
        }
    }
}
