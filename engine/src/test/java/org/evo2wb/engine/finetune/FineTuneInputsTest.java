package org.evo2wb.engine.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.evo2wb.bio.ReadProgress;
import org.evo2wb.bio.SequenceFiles;
import org.evo2wb.bio.SequenceRecord;
import org.evo2wb.engine.io.Sha256;
import org.evo2wb.engine.lora.TinyModel;
import org.evo2wb.engine.train.data.RecordSelection.RecordRef;
import org.evo2wb.engine.train.data.RecordSelection.Source;
import org.evo2wb.engine.train.data.TrainingData;
import org.evo2wb.engine.train.settings.FineTuneSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's inputs kept in its folder: the annotated pPCP1 plasmid (GenBank NC_005816, one record of 9,609 bp with 10
 * CDS) and its ten CDS as FASTA.
 */
class FineTuneInputsTest {

    static final Path GENBANK = TinyModel.resource("data/biopython_NC_005816.gb.gz");
    static final Path CDS_FASTA = TinyModel.resource("data/biopython_NC_005816.ffn.gz");

    @TempDir
    Path dir;

    @Test
    void chosenRecordsRoundTripThroughTheRunFolderAndChangedFilesAreRefused() throws Exception {
        Path copy = Files.copy(GENBANK, dir.resolve("plasmid.gb.gz"));
        List<Source> open = open(copy);
        FineTuneInputs inputs = FineTuneInputs.records(List.of(open.get(0).ref()), "CDS", null).withChecksums();
        assertEquals(Sha256.of(copy), inputs.sha256().get(copy.toAbsolutePath()));
        Path run = dir.resolve("run");
        inputs.write(run);
        FineTuneInputs back = FineTuneInputs.read(run);
        assertEquals(inputs, back);
        List<Source> again = back.readSources(ReadProgress.NONE);
        assertEquals(1, again.size());
        assertEquals(9_609, again.get(0).record().length());

        Files.write(copy, new byte[] {1, 2, 3});
        IOException changed = assertThrows(IOException.class, () -> back.readSources(ReadProgress.NONE));
        assertTrue(changed.getMessage().contains(copy.toAbsolutePath() + " has changed since the run started"),
                changed.getMessage());

        Files.writeString(run.resolve(FineTuneInputs.FILE), "{\"train\": [], \"validation\": [], \"records\": "
                + "[{\"file\": 3, \"id\": \"x\"}]}");
        IOException bad = assertThrows(IOException.class, () -> FineTuneInputs.read(run));
        assertTrue(bad.getMessage().contains("inputs.json: record 'x' names file 3 of 0"), bad.getMessage());
    }

    @Test
    void recordsNamedByIdAreFoundInTheirFilesAndMistakesNameTheId() throws Exception {
        Path ffn = Files.copy(CDS_FASTA, dir.resolve("cds.ffn.gz"));
        List<SequenceRecord> records = SequenceFiles.read(ffn);
        FineTuneInputs.Read read = FineTuneInputs.byIds(List.of(ffn), List.of(records.get(2).id(),
                records.get(4).id()), null, List.of(records.get(4).id()), ReadProgress.NONE);
        assertEquals(10, read.sources().size());
        assertEquals(List.of(new RecordRef(ffn.toAbsolutePath(), records.get(2).id()),
                new RecordRef(ffn.toAbsolutePath(), records.get(4).id())), read.inputs().records());
        assertNull(read.inputs().featureType());
        FineTuneSettings s = FineTuneSettings.builder(null).setText("window-length", "64").build();
        TrainingData d = read.inputs().build(s, read.sources(), ReadProgress.NONE);
        assertEquals(1, d.dataset().summary().trainRecords());
        assertEquals(1, d.dataset().summary().validationRecords());
        assertEquals(records.get(4).id(), d.validation().get(0).record());

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> FineTuneInputs.byIds(
                List.of(ffn), List.of("NOPE.1"), null, List.of(), ReadProgress.NONE));
        assertTrue(missing.getMessage().contains("no record 'NOPE.1' in [cds.ffn.gz]"), missing.getMessage());
        Path twice = Files.copy(CDS_FASTA, dir.resolve("again.ffn.gz"));
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> FineTuneInputs.byIds(
                List.of(ffn, twice), List.of(records.get(0).id()), null, List.of(), ReadProgress.NONE));
        assertTrue(both.getMessage().contains("is in more than one file"), both.getMessage());
    }

    @Test
    void foldersOfEarlierVersionsAreRead() throws Exception {
        Path ffn = Files.copy(CDS_FASTA, dir.resolve("cds.ffn.gz")).toAbsolutePath();
        // the command line's inputs.json: only the file lists
        Path cli = Files.createDirectories(dir.resolve("cli"));
        Files.writeString(cli.resolve(FineTuneInputs.FILE), "{\"train\": [\"" + ffn + "\"], \"validation\": []}");
        assertEquals(FineTuneInputs.files(List.of(ffn), List.of()), FineTuneInputs.read(cli));
        assertTrue(FineTuneInputs.read(cli).wholeFiles());

        // the Fine-tune view's selection.json
        Path view = Files.createDirectories(dir.resolve("view"));
        String id1 = SequenceFiles.read(ffn).get(1).id();
        String id3 = SequenceFiles.read(ffn).get(3).id();
        Files.writeString(view.resolve("selection.json"), "{\"files\": [{\"path\": \"" + ffn + "\", \"sha256\": \""
                + Sha256.of(ffn) + "\"}], \"records\": [{\"file\": 0, \"id\": \"" + id1 + "\"}, {\"file\": 0, "
                + "\"id\": \"" + id3 + "\"}], \"feature-type\": null, \"validation\": [{\"file\": 0, \"id\": \"" + id3
                + "\"}]}");
        FineTuneInputs legacy = FineTuneInputs.read(view);
        assertEquals(List.of(new RecordRef(ffn, id1), new RecordRef(ffn, id3)), legacy.records());
        assertEquals(List.of(new RecordRef(ffn, id3)), legacy.validationRecords());
        assertEquals(Sha256.of(ffn), legacy.sha256().get(ffn));

        IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class, () -> new FineTuneInputs(
                List.of(ffn), List.of(ffn), null, "CDS", null, java.util.Map.of()));
        assertTrue(mixed.getMessage().contains("separate validation files go with every record"), mixed.getMessage());
    }

    private static List<Source> open(Path file) throws Exception {
        List<Source> out = new ArrayList<>();
        for (SequenceRecord r : SequenceFiles.read(file)) {
            out.add(new Source(file, r));
        }
        return out;
    }
}
