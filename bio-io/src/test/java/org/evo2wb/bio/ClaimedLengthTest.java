package org.evo2wb.bio;

import static org.evo2wb.bio.TestData.assertMentions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A header that claims a huge length costs no memory up front (found by fuzzing: 1.5 GB for a 60-byte file). */
class ClaimedLengthTest {

    @TempDir
    Path tmp;

    private static long allocatedReading(Path file, List<SequenceRecord> out) throws Exception {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        out.addAll(SequenceFiles.read(file));
        return threads.getThreadAllocatedBytes(id) - before;
    }

    @Test
    void aLocusLineClaimingBillionsOfBasesAllocatesNothingLikeThat() throws Exception {
        Path gb = Files.writeString(tmp.resolve("huge.gb"),
                "LOCUS       X 1500000000 bp DNA linear\nORIGIN\n        1 acgt\n//\n");
        List<SequenceRecord> r = new java.util.ArrayList<>();
        long allocated = allocatedReading(gb, r);
        assertTrue(allocated < 64L << 20, allocated + " bytes allocated");
        assertEquals(4, r.get(0).length());
        assertMentions(String.join(" ", r.get(0).warnings()), "1500000000");
    }

    @Test
    void anEmblIdLineClaimingBillionsOfBasesAllocatesNothingLikeThat() throws Exception {
        Path embl = Files.writeString(tmp.resolve("huge.embl"), "ID   X; SV 1; linear; genomic DNA; STD; PRO; "
                + "1500000000 BP.\nXX\nSQ   Sequence 4 BP;\n     acgt                                                 "
                + "         4\n//\n");
        List<SequenceRecord> r = new java.util.ArrayList<>();
        long allocated = allocatedReading(embl, r);
        assertTrue(allocated < 64L << 20, allocated + " bytes allocated");
        assertEquals(4, r.get(0).length());
    }
}
