package org.evo2wb.engine.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.evo2wb.bio.SequenceFiles;
import org.evo2wb.bio.SequenceRecord;
import org.evo2wb.bio.dataset.DatasetSummary;
import org.evo2wb.engine.lora.TinyModel;
import org.evo2wb.engine.train.data.RecordSelection.RecordRef;
import org.evo2wb.engine.train.data.RecordSelection.Source;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.FineTuneSettings;
import org.junit.jupiter.api.Test;

/**
 * Training data chosen from open records: the CDS of the Yersinia pestis plasmid pPCP1 (GenBank NC_005816, 9,609 bp,
 * 10 CDS, three on the reverse strand) cut from the annotated record must be exactly NCBI's CDS sequences of the same
 * plasmid (biopython_NC_005816.ffn, 10 records, 5,814 bp), both from Debian's python-biopython-doc.
 */
class RecordSelectionTest {

    static final Path GENBANK = TinyModel.resource("data/biopython_NC_005816.gb.gz");
    static final Path CDS_FASTA = TinyModel.resource("data/biopython_NC_005816.ffn.gz");

    static List<Source> open(Path... files) throws Exception {
        List<Source> out = new ArrayList<>();
        for (Path f : files) {
            for (SequenceRecord r : SequenceFiles.read(f)) {
                out.add(new Source(f, r));
            }
        }
        return out;
    }

    @Test
    void cdsRegionsAreNcbisCdsSequencesReverseStrandOnesReverseComplemented() throws Exception {
        SequenceRecord plasmid = SequenceFiles.read(GENBANK).get(0);
        RecordSelection cds = RecordSelection.of(List.of(new RecordRef(GENBANK, plasmid.id())), "CDS", null);
        List<SequenceRecord> regions = cds.regions(plasmid);
        List<SequenceRecord> ncbi = SequenceFiles.read(CDS_FASTA);
        assertEquals(10, regions.size());
        assertEquals(5_814, regions.stream().mapToInt(SequenceRecord::length).sum());
        for (int i = 0; i < 10; i++) {
            assertEquals(ncbi.get(i).sequence().toUpperCase(), regions.get(i).sequence().toUpperCase(),
                    regions.get(i).id());
        }
        assertEquals("NC_005816.1/CDS:4815..5888(-)", regions.get(5).id());
        assertEquals("NC_005816.1/CDS:87..1109(+)", regions.get(0).id());
        assertEquals(List.of(plasmid), RecordSelection.of(List.of(), null, null).regions(plasmid));
        assertEquals(10, RecordSelection.featureTypes(List.of(plasmid)).get("CDS"));
        assertEquals("misc_feature", RecordSelection.featureTypes(List.of(plasmid)).keySet().iterator().next());
    }

    @Test
    void windowsFromChosenRecordsWithASeededSplitOrChosenValidationRecords() throws Exception {
        List<Source> open = open(CDS_FASTA, GENBANK);
        FineTuneSettings s = FineTuneSettings.builder(null).set(FineTuneParameters.WINDOW_LENGTH, 256)
                .set(FineTuneParameters.VALIDATION_FRACTION, 0.2).set(FineTuneParameters.SEED, 5L)
                .set(FineTuneParameters.REVERSE_COMPLEMENT, org.evo2wb.bio.dataset.ReverseComplementMode.NONE).build();
        List<RecordRef> cds = open.stream().filter(x -> x.file().equals(CDS_FASTA)).map(Source::ref).toList();

        TrainingData split = RecordSelection.of(cds, null, null).build(open, s);
        DatasetSummary a = split.dataset().summary();
        assertEquals(10, a.records());
        assertEquals(5_814, a.trainBases() + a.validationBases());
        assertTrue(a.validationRecords() >= 1 && a.trainRecords() >= 1, a.toString());
        assertEquals(a, RecordSelection.of(cds, null, null).build(open, s).dataset().summary(), "same seed, same split");

        List<RecordRef> held = List.of(cds.get(5), cds.get(9));
        TrainingData chosen = RecordSelection.of(cds, null, held).build(open, s);
        DatasetSummary b = chosen.dataset().summary();
        assertEquals(2, b.validationRecords());
        assertEquals(1074 + 273, b.validationBases());      // c5888-4815 and c8360-8088
        assertEquals(5_814 - 1074 - 273, b.trainBases());
        for (int i = 0; i < chosen.validation().size(); i++) {
            String record = chosen.validation().get(i).record();
            assertTrue(record.contains("c5888-4815") || record.contains("c8360-8088"), record);
        }

        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> RecordSelection.of(cds, "tRNA", null).build(open, s));
        assertEquals("the chosen records have no tRNA features to train on", none.getMessage());
        RecordRef missing = new RecordRef(GENBANK, "NOT_OPEN.1");
        IllegalArgumentException closed = assertThrows(IllegalArgumentException.class,
                () -> RecordSelection.of(List.of(missing), null, null).build(open, s));
        assertTrue(closed.getMessage().contains("record 'NOT_OPEN.1' of " + GENBANK + " is not open"),
                closed.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> RecordSelection.of(held, null, held).build(open, s), "nothing left to train on");
    }
}
