package org.evo2wb.bio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading a large record needs about two copies of its bases: a 32 Mb FASTA record is read in a separate JVM whose
 * heap holds 2 copies plus 10 MB (this reader needs about 70 MB there). A reader that appends lines to one
 * StringBuilder and copies it into a String runs out of memory there even with 80 MB.
 */
class MemoryUseTest {

    @TempDir
    Path dir;

    @Test
    void largeRecordIsReadWithinTwoCopiesOfItsBases() throws Exception {
        int length = 32 * 1024 * 1024;
        Path file = SyntheticGenome.write(dir.resolve("big.fa"), "plain", 60, SyntheticGenome.bases(length, 1, false));
        int heapMb = 2 * length / (1024 * 1024) + 10;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx" + heapMb + "m", "-Xms" + heapMb + "m",
                "-XX:+UseSerialGC", "-Xmn4m", "-cp", System.getProperty("java.class.path"), ReadMain.class.getName(),
                file.toString()));
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve("out.txt").toFile());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        String out = Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertEquals("1 " + length, out.strip());
    }
}
