package org.evo2wb.bio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The large FASTA files of the reference data set, too big to copy into the repository: read when the shared data
 * folder sits next to the checkout, skipped (assumption) on a fresh clone. Counts from the reference manifest.
 */
class LargeSharedFilesTest {

    private static final Path SHARED = Path.of("..", "..", "shared", "data", "fasta");

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "kpneumoniae_NTUH-K2044.fna.xz, XZ, 2, 5472672, 0, 0",
        "vcholerae_O1_N16961_iupac.fasta.gz, GZIP, 2, 4033464, 2, 35",
        "ragout_ecoli_mg1655_156contigs.fasta.gz, GZIP, 156, 4567024, 0, 0"})
    void readsTheLargeReferenceFiles(String name, Compression compression, int records, long bases, long n,
            long iupac) throws Exception {
        Path file = SHARED.resolve(name);
        if (!Files.exists(file)) {
            file = Path.of("..", "shared", "data", "fasta", name);
        }
        assumeTrue(Files.exists(file), "reference data not present next to this checkout: " + name);
        StreamingTest.Recorder progress = new StreamingTest.Recorder(Integer.MAX_VALUE);
        List<SequenceRecord> read = new ArrayList<>();
        ReadSummary s = SequenceFiles.forEach(file, progress, read::add);
        assertEquals(compression, s.compression());
        assertEquals(records, s.records());
        assertEquals(bases, s.bases());
        long nCount = 0;
        long iupacCount = 0;
        for (SequenceRecord r : read) {
            RecordQc qc = RecordQc.of(r);
            nCount += Math.round(qc.nFraction() * qc.length());
            iupacCount += qc.iupacCount();
        }
        assertEquals(n, nCount);
        assertEquals(iupac, iupacCount);
        assertTrue(progress.calls.size() >= 3);
        assertEquals(Files.size(file), progress.calls.get(progress.calls.size() - 1)[0]);
    }
}
