package org.evo2wb.bio.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.evo2wb.bio.Iupac;
import org.evo2wb.bio.MoleculeType;
import org.evo2wb.bio.ReadProgress;
import org.evo2wb.bio.SequenceRecord;
import org.evo2wb.bio.TestData;
import org.evo2wb.bio.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingDatasetTest {

    private static final List<Path> FILES = List.of(
            TestData.path("fasta/biopython_ls_orchid.fasta.gz"),
            TestData.path("genbank/biopython_cor6_6.gb.gz"),
            TestData.path("fasta/biopython_NC_005816.fna.gz"));

    private static SequenceRecord record(String id, String bases) {
        return new SequenceRecord(id, "", bases, Topology.UNKNOWN, MoleculeType.UNKNOWN, List.of(), List.of(),
                "mem:" + id);
    }

    private static List<WindowRef> windows(WindowSet set) {
        List<WindowRef> w = new ArrayList<>();
        for (int i = 0; i < set.size(); i++) {
            w.add(set.window(i));
        }
        return w;
    }

    @Test
    void windowGeometryTokensAndEos() {
        Corpus corpus = Corpus.of(List.of(record("a", "ACGTACGTACGTACGTACGTACGTA"))); // 25 bases
        DatasetOptions o = DatasetOptions.of(10).withValidation(0, 1); // 9 bases + EOS slot, stride 9
        WindowSet train = TrainingDataset.build(corpus, o).train();
        assertEquals(List.of(new WindowRef(0, 0, 9, false), new WindowRef(0, 9, 9, false),
                new WindowRef(0, 16, 9, false)), windows(train));
        assertArrayEquals(Evo2Tokenizer.encode("ACGTACGTA"), train.tokens(0)); // no EOS inside the record
        int[] last = train.tokens(2);
        assertEquals(10, last.length);
        assertEquals(Evo2Tokenizer.EOS_ID, last[9]);
        assertEquals("ACGTACGTA", new String(train.bases(2), StandardCharsets.US_ASCII));

        WindowSet bos = TrainingDataset.build(corpus, o.withSpecialTokens(true, false)).train();
        assertEquals(9, bos.window(0).length());
        assertEquals(Evo2Tokenizer.BOS_ID, bos.tokens(0)[0]);
        assertEquals(10, bos.tokens(0).length);
    }

    @Test
    void shortRecordGivesOneShortWindowPaddedInItsBatch() {
        Corpus corpus = Corpus.of(List.of(record("s", "ACGTN")));
        TrainingDataset d = TrainingDataset.build(corpus, DatasetOptions.of(8).withValidation(0, 1).withNFilter(1, -1));
        TokenBatch b = d.train().batch(new int[] {0});
        assertArrayEquals(new int[] {65, 67, 71, 84, 78, 0, 1, 1}, b.tokens()[0]);
        assertArrayEquals(new int[] {6}, b.lengths());
        assertEquals(1, d.summary().shortWindows());
        assertArrayEquals(new long[] {65, 67, 71, 84, 78, 0, 1, 1}, b.flat());
    }

    @Test
    void splitIsByRecordWithoutLeakageAndDeterministic() throws Exception {
        DatasetOptions o = DatasetOptions.of(256).withValidation(0.1, 7);
        TrainingDataset d = TrainingDataset.build(FILES, o, ReadProgress.NONE);
        Set<Integer> trainRecords = new HashSet<>();
        Arrays.stream(d.train().records()).forEach(trainRecords::add);
        Set<Integer> valRecords = new HashSet<>();
        Arrays.stream(d.validation().records()).forEach(valRecords::add);
        assertFalse(valRecords.isEmpty());
        assertTrue(trainRecords.stream().noneMatch(valRecords::contains), "a record on both sides of the split");
        for (WindowSet set : List.of(d.train(), d.validation())) {
            for (WindowRef w : windows(set)) {
                assertTrue(w.start() >= 0 && w.end() <= d.corpus().length(w.record()));
            }
        }
        DatasetSummary s = d.summary();
        assertEquals(94 + 6 + 1, s.records());
        assertEquals(67518 + 2819 + 9609, s.trainBases() + s.validationBases());
        double held = s.validationBases() / (double) (s.trainBases() + s.validationBases());
        assertTrue(held > 0.09 && held <= 0.1, "held out " + held);
        assertEquals(s.validationRecords(), valRecords.size());

        TrainingDataset again = TrainingDataset.build(FILES, o, ReadProgress.NONE);
        assertEquals(windows(d.train()), windows(again.train()));
        assertEquals(windows(d.validation()), windows(again.validation()));
        assertEquals(d.manifest().toJson(), again.manifest().toJson());

        TrainingDataset other = TrainingDataset.build(FILES, o.withValidation(0.1, 8), ReadProgress.NONE);
        assertNotEquals(windows(d.validation()), windows(other.validation()));
    }

    @Test
    void reverseComplementTwinsAreTheOtherStrandOfTheSameBases() throws Exception {
        DatasetOptions o = DatasetOptions.of(128).withValidation(0.1, 3);
        TrainingDataset plain = TrainingDataset.build(FILES, o, ReadProgress.NONE);
        TrainingDataset both = TrainingDataset.build(FILES, o.withReverseComplement(ReverseComplementMode.BOTH),
                ReadProgress.NONE);
        assertEquals(2 * plain.train().size(), both.train().size());
        assertEquals(plain.validation().size(), both.validation().size(), "validation is never augmented");
        for (int i = 0; i < both.train().size(); i += 2) {
            WindowRef fwd = both.train().window(i);
            WindowRef rc = both.train().window(i + 1);
            assertFalse(fwd.reverseComplement());
            assertTrue(rc.reverseComplement());
            assertEquals(fwd.start(), rc.start());
            String forward = new String(both.train().bases(i), StandardCharsets.US_ASCII);
            assertEquals(Iupac.reverseComplement(forward), new String(both.train().bases(i + 1),
                    StandardCharsets.US_ASCII));
            assertEquals(both.train().reachesRecordEnd(i + 1), fwd.start() == 0, "EOS after the reverse strand's end");
        }
        // a reverse-complement window of a soft-masked record keeps its case
        Corpus masked = Corpus.of(List.of(record("m", "AAccGGTn")));
        WindowSet m = TrainingDataset.build(masked, DatasetOptions.of(20).withValidation(0, 1).withNFilter(1, -1)
                .withReverseComplement(ReverseComplementMode.BOTH)).train();
        assertEquals("nACCggTT", new String(m.bases(1), StandardCharsets.US_ASCII));
        assertArrayEquals(new int[] {110, 65, 67, 67, 103, 103, 84, 84, 0}, m.tokens(1));
    }

    @Test
    void randomStrandChoiceIsReproducibleAndMixed() throws Exception {
        DatasetOptions o = DatasetOptions.of(64).withValidation(0.1, 5)
                .withReverseComplement(ReverseComplementMode.RANDOM);
        TrainingDataset a = TrainingDataset.build(FILES, o, ReadProgress.NONE);
        TrainingDataset b = TrainingDataset.build(FILES, o, ReadProgress.NONE);
        assertEquals(windows(a.train()), windows(b.train()));
        long reversed = windows(a.train()).stream().filter(WindowRef::reverseComplement).count();
        double share = reversed / (double) a.train().size();
        assertTrue(share > 0.4 && share < 0.6, "reverse share " + share);
    }

    @Test
    void caseModeUpperChangesTheTokensOfGenbankBases() throws Exception {
        List<Path> gb = List.of(TestData.path("genbank/biopython_cor6_6.gb.gz"));
        TrainingDataset keep = TrainingDataset.build(gb, DatasetOptions.of(64).withValidation(0, 1),
                ReadProgress.NONE);
        TrainingDataset upper = TrainingDataset.build(gb, DatasetOptions.of(64).withValidation(0, 1)
                .withCaseMode(CaseMode.UPPER), ReadProgress.NONE);
        assertEquals(97, keep.train().tokens(0)[0] | 0x20); // lowercase as in the file
        assertTrue(Arrays.stream(keep.train().tokens(0)).allMatch(t -> t == 0 || t >= 97));
        assertTrue(Arrays.stream(upper.train().tokens(0)).allMatch(t -> t == 0 || (t >= 65 && t <= 90)));
    }

    @Test
    void nFilterDropsTheChromosomeStartGap() throws Exception {
        // GRCh37 chr1 starts with N at bases [0, 10000) and [177417, 227417) (0-based, end exclusive); windows of
        // 999 bases (1000 tokens with EOS), stride 999: 241 windows; counted by hand over the file
        // (python: sum(s[i:i+999].count('N') > 99.9 ...)): 61 hold more than 10 % N, 62 hold any N
        List<Path> chr1 = List.of(TestData.path("fasta/biopython_human_g1k_v37_chr1_truncated.fasta.gz"));
        DatasetOptions o = DatasetOptions.of(1000).withValidation(0, 1);
        TrainingDataset byFraction = TrainingDataset.build(chr1, o, ReadProgress.NONE);
        assertEquals(241, WindowPlanner.starts(239940, 999, 999).length);
        assertEquals(61, byFraction.summary().droppedWindows());
        assertEquals(241 - 61, byFraction.summary().trainWindows());
        assertEquals(9990, byFraction.train().window(0).start()); // holds the last 10 N of the first gap: 1 %
        TrainingDataset byRun = TrainingDataset.build(chr1, o.withNFilter(1, 0), ReadProgress.NONE);
        assertEquals(62, byRun.summary().droppedWindows());
        assertEquals(10989, byRun.train().window(0).start());
        assertTrue(byFraction.summary().notes().isEmpty(), byFraction.summary().notes().toString());
    }

    @Test
    void singleRecordHoldsOutABlockAndSaysSo() {
        // 400 bases, windows of 63: one 63-base block (10 % is less than a window), 63 bases clear on each side
        TrainingDataset d = TrainingDataset.build(Corpus.of(List.of(record("only", "ACGT".repeat(100)))),
                DatasetOptions.of(64));
        assertEquals(1, d.validation().size());
        assertTrue(d.summary().notes().get(0).startsWith("validation: one record, so 1 contiguous block of only "
                + "(63 bases, 15.8 %)"), d.summary().notes().toString());
        TrainingDataset tooShort = TrainingDataset.build(Corpus.of(List.of(record("only", "ACGT".repeat(60)))),
                DatasetOptions.of(64));
        assertEquals(0, tooShort.validation().size());
        assertTrue(tooShort.summary().notes().get(0).contains("no validation set"));
    }

    @Test
    void epochsVisitEveryWindowOnceInAReproducibleShuffledOrder() throws Exception {
        TrainingDataset d = TrainingDataset.build(FILES, DatasetOptions.of(128), ReadProgress.NONE);
        WindowSet train = d.train();
        int batch = 8;
        List<Integer> seen = new ArrayList<>();
        int batches = 0;
        for (Iterator<TokenBatch> it = train.epoch(batch, 99, 0); it.hasNext(); batches++) {
            TokenBatch b = it.next();
            assertTrue(b.size() <= batch);
            assertEquals(128, b.width());
            for (int r = 0; r < b.size(); r++) {
                assertArrayEquals(train.tokens(b.windowIndices()[r]), Arrays.copyOf(b.tokens()[r], b.lengths()[r]));
                for (int c = b.lengths()[r]; c < b.width(); c++) {
                    assertEquals(Evo2Tokenizer.PAD_ID, b.tokens()[r][c]);
                }
                seen.add(b.windowIndices()[r]);
            }
        }
        assertEquals(train.stepsPerEpoch(batch), batches);
        assertEquals(d.summary().stepsPerEpoch(batch), batches);
        assertEquals(train.size(), seen.size());
        assertEquals(train.size(), new HashSet<>(seen).size());
        assertArrayEquals(train.epochOrder(99, 0), train.epochOrder(99, 0));
        assertFalse(Arrays.equals(train.epochOrder(99, 0), train.epochOrder(99, 1)));
        assertThrows(IllegalArgumentException.class, () -> train.stepsPerEpoch(0));
    }

    @Test
    void summaryCountsAddUp() throws Exception {
        TrainingDataset d = TrainingDataset.build(FILES, DatasetOptions.of(200).withSpecialTokens(true, true),
                ReadProgress.NONE);
        DatasetSummary s = d.summary();
        long tokens = 0;
        for (int i = 0; i < d.train().size(); i++) {
            tokens += d.train().tokens(i).length;
        }
        assertEquals(tokens, s.trainTokens());
        assertEquals(d.train().size(), s.trainWindows());
        assertEquals(d.validation().size(), s.validationWindows());
        assertEquals((s.trainWindows() + 31) / 32, s.stepsPerEpoch(32));
        assertTrue(s.describe(32).contains("steps per epoch at batch size 32"));
    }

    @Test
    void manifestRecordsFilesHashesCountsAndSeed(@TempDir Path dir) throws Exception {
        long[] lastBytes = {0};
        ReadProgress progress = new ReadProgress() {
            @Override
            public void update(long bytesRead, long totalBytes, int records) {
                lastBytes[0] = bytesRead;
            }
        };
        TrainingDataset d = TrainingDataset.build(FILES, DatasetOptions.of(512).withValidation(0.2, 1234), progress);
        long total = 0;
        for (Path p : FILES) {
            total += Files.size(p);
        }
        assertEquals(total, lastBytes[0], "progress runs over all files");
        DatasetManifest m = d.manifest();
        assertEquals(3, m.files().size());
        // SHA-256 values as listed in the reference data manifest
        assertEquals("800c6b4740c5de19a06be40e35f0fdf05c9679a7b2e857332583abed3f35f009", m.files().get(0).sha256());
        assertEquals("7c7790e294e68297aed0a0361834081297ffb29474eb86626f1f268d4df2266c", m.files().get(1).sha256());
        assertEquals(94, m.files().get(0).records());
        assertEquals(67518, m.files().get(0).bases());
        Path json = dir.resolve("data-manifest.json");
        m.write(json);
        String text = Files.readString(json);
        assertTrue(text.contains("\"splitSeed\": 1234"));
        assertTrue(text.contains("\"sha256\": \"800c6b4740c5de19a06be40e35f0fdf05c9679a7b2e857332583abed3f35f009\""));
        assertTrue(text.contains("\"trainWindows\": " + d.summary().trainWindows()));
        assertEquals(d.summary().validationRecords(), m.validationRecordIds().size());
        assertTrue(m.validationRecordIds().stream().allMatch(id -> id.contains("@")));
    }

    @Test
    void optionsRejectImpossibleValues() {
        assertThrows(IllegalArgumentException.class, () -> DatasetOptions.of(2));
        assertThrows(IllegalArgumentException.class, () -> DatasetOptions.of(64).withStride(0));
        assertThrows(IllegalArgumentException.class, () -> DatasetOptions.of(64).withValidation(1.0, 1));
        assertThrows(IllegalArgumentException.class, () -> DatasetOptions.of(64).withNFilter(1.5, -1));
        assertThrows(IllegalArgumentException.class, () -> DatasetOptions.of(64).withNFilter(0.1, -2));
        assertEquals(63, DatasetOptions.of(64).basesPerWindow());
        assertEquals(63, DatasetOptions.of(64).stride());
    }

    @Test
    void separateValidationFilesHoldOutExactlyTheirRecords() throws Exception {
        Path orchids = TestData.path("fasta/biopython_ls_orchid.fasta.gz");
        Path cor = TestData.path("genbank/biopython_cor6_6.gb.gz");
        DatasetOptions o = DatasetOptions.of(256).withValidation(0.3, 5);
        TrainingDataset d = TrainingDataset.build(List.of(orchids), List.of(cor), o, ReadProgress.NONE);
        DatasetSummary s = d.summary();
        // MANIFEST.md: 94 orchid records, 67,518 bp; 6 cor6.6 records, 2,819 bp
        assertEquals(94, s.trainRecords());
        assertEquals(6, s.validationRecords());
        assertEquals(67_518, s.trainBases());
        assertEquals(2_819, s.validationBases());
        for (int r : d.validation().records()) {
            assertTrue(r >= 94, "record " + r + " of the training file was held out");
        }
        assertEquals(0.0, d.manifest().options().validationFraction());
        assertEquals(List.of(orchids, cor), d.manifest().files().stream().map(Corpus.SourceFile::path).toList());
        assertEquals(6, d.manifest().validationRecordIds().size());
        assertTrue(s.notes().contains("validation records come from 1 separate file"), s.notes().toString());
        // no validation files: the fraction applies as before
        TrainingDataset plain = TrainingDataset.build(List.of(orchids), List.of(), o, ReadProgress.NONE);
        assertTrue(plain.summary().validationRecords() > 0);
        assertEquals(0.3, plain.manifest().options().validationFraction());
    }

    @Test
    void validationRecordsChosenByTheCallerAreHeldOutWhole() {
        Corpus corpus = Corpus.of(List.of(record("a", "ACGT".repeat(50)), record("b", "GGCA".repeat(40)),
                record("c", "TTAC".repeat(30))));
        TrainingDataset d = TrainingDataset.build(corpus, DatasetOptions.of(64).withValidation(0.5, 3),
                new boolean[] {false, true, false});
        DatasetSummary s = d.summary();
        assertEquals(2, s.trainRecords());
        assertEquals(1, s.validationRecords());
        assertEquals(160, s.validationBases());
        assertEquals(200 + 120, s.trainBases());
        for (int i = 0; i < d.validation().size(); i++) {
            assertEquals(1, d.validation().window(i).record());
        }
        assertEquals(List.of("b@mem:b"), d.manifest().validationRecordIds());
        assertEquals(0.0, d.manifest().options().validationFraction());
        assertTrue(s.notes().contains("1 record chosen for validation"), s.notes().toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingDataset.build(corpus, DatasetOptions.of(64), new boolean[2]));
        assertEquals("validation choice has 2 entries for 3 records", e.getMessage());
    }
}
