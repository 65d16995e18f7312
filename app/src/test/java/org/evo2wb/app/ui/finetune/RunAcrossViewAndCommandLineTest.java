package org.evo2wb.app.ui.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.evo2wb.app.cli.Evo2wbCli;
import org.evo2wb.bio.ReadProgress;
import org.evo2wb.bio.SequenceFiles;
import org.evo2wb.bio.SequenceRecord;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.finetune.FineTuneInputs;
import org.evo2wb.engine.load.ModelSpec;
import org.evo2wb.engine.task.TaskStatus;
import org.evo2wb.engine.train.data.RecordSelection;
import org.evo2wb.engine.train.data.RecordSelection.RecordRef;
import org.evo2wb.engine.train.data.RecordSelection.Source;
import org.evo2wb.engine.train.data.TokenWindow;
import org.evo2wb.engine.train.data.TrainingData;
import org.evo2wb.engine.train.data.WindowSource;
import org.evo2wb.engine.train.run.MetricsLog;
import org.evo2wb.engine.train.run.RunFolder;
import org.evo2wb.engine.train.run.RunState;
import org.evo2wb.engine.train.settings.FineTuneSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run begun in the Fine-tune view resumes with {@code evo2wb finetune --resume}, and the reverse, on the same
 * windows and the same validation split; run folders of earlier versions ({@code selection.json} of the view,
 * {@code inputs.json} with only files of the command line) still resume. The tiny golden model on the ten pPCP1 CDS
 * records (FASTA) and the annotated pPCP1 plasmid (GenBank, 10 CDS features).
 */
class RunAcrossViewAndCommandLineTest {

    @TempDir
    Path tmp;

    /** One step, then the time limit stops the run as a user's Stop would. */
    private static FineTuneSettings settings() {
        return FineTuneSettings.builder(null).setText("window-length", "64").setText("batch-size", "2")
                .setText("lora-rank", "4").setText("max-steps", "4").setText("warmup-steps", "1")
                .setText("eval-every", "2").setText("eval-batches", "2").setText("device", "cpu")
                .setText("seed", "7").setText("max-time", "0.001s").build();
    }

    @Test
    void aRunStartedInTheViewResumesOnTheCommandLineOnTheSameWindows() throws Exception {
        Path ffn = copy("data/biopython_NC_005816.ffn.gz");
        List<Source> open = open(ffn);
        List<RecordRef> ticked = open.subList(0, 7).stream().map(Source::ref).toList();
        List<RecordRef> held = open.subList(5, 7).stream().map(Source::ref).toList();
        FineTuneInputs inputs = FineTuneInputs.records(ticked, null, held);
        Path run = tmp.resolve("view-run");

        FineTuneSessionTask view = FineTuneSessionTask.newRun(run, settings(), inputs, open, tiny(),
                new MetricsBuffer(), "test");
        view.run();
        assertEquals(TaskStatus.FINISHED, view.status(), view.message());
        assertEquals(1, MetricsLog.read(run.resolve(RunFolder.METRICS)).size());
        assertTrue(Files.exists(run.resolve(FineTuneInputs.FILE)));

        TrainingData started = inputs.build(FineTuneRunSettings.of(run), open, ReadProgress.NONE);
        // the command line reads the records again from the file, as recorded in the run folder
        TrainingData again = FineTuneInputs.read(run).build(FineTuneRunSettings.of(run), List.of(),
                ReadProgress.NONE);
        assertSameWindows(started, again);
        assertEquals(Set.of(open.get(5).record().id(), open.get(6).record().id()), records(again.validation()));

        String[] out = cli("finetune", "--resume", run.toString(), "--max-time", "0");
        assertEquals("0", out[0], out[1] + out[2]);
        assertTrue(out[1].startsWith("resuming LoRA adapters (small, fast) in " + run + ": "
                + counts(started)), out[1]);
        assertTrue(out[2].contains("training: resuming at step 1 of 4"), out[2]);
        assertEquals(4, MetricsLog.read(run.resolve(RunFolder.METRICS)).size());
        assertEquals(RunState.FINISHED, new RunFolder(run).readStatus().state());
    }

    @Test
    void aRunStartedOnTheCommandLineResumesInTheViewOnTheSameWindows() throws Exception {
        Path gb = copy("data/biopython_NC_005816.gb.gz");
        Path run = tmp.resolve("cli-run");
        String[] out = cli("finetune", "--model", resource("golden/tiny.pt").toString(), "--train", gb.toString(),
                "--feature-type", "CDS", "--run-dir", run.toString(), "--window", "64", "--batch", "2", "--rank",
                "4", "--steps", "4", "--warmup-steps", "1", "--eval-every", "2", "--eval-batches", "2", "--device",
                "cpu", "--seed", "7", "--validation-fraction", "0.2", "--max-time", "0.001s");
        assertEquals("0", out[0], out[1] + out[2]);
        assertEquals(1, MetricsLog.read(run.resolve(RunFolder.METRICS)).size());

        List<Source> open = open(gb);
        FineTuneInputs recorded = FineTuneInputs.read(run);
        assertEquals("CDS", recorded.featureType());
        TrainingData cut = RecordSelection.of(List.of(open.get(0).ref()), "CDS", null)
                .build(open, FineTuneRunSettings.of(run));
        assertTrue(out[1].startsWith("fine-tuning LoRA adapters (small, fast) in " + run + ": " + counts(cut)),
                out[1]);
        assertEquals(10, cut.dataset().summary().trainRecords() + cut.dataset().summary().validationRecords(),
                "the ten CDS of pPCP1");
        assertSameWindows(cut, recorded.build(FineTuneRunSettings.of(run), List.of(), ReadProgress.NONE));

        // the view resumes it (keeping the recorded time limit, already spent, so it stops again at once), once with
        // the plasmid open and once with nothing open (the file is read again)
        String windows = cut.train().size() + " training and " + cut.validation().size() + " validation windows";
        for (List<Source> records : List.of(open, List.<Source>of())) {
            MetricsBuffer buffer = new MetricsBuffer();
            FineTuneSessionTask view = FineTuneSessionTask.resume(run, records, buffer, "test");
            view.run();
            assertEquals(TaskStatus.FINISHED, view.status(), view.message());
            List<String> log = buffer.drain().log();
            assertTrue(log.stream().anyMatch(l -> l.contains(windows)), windows + " in " + log);
            assertTrue(log.stream().anyMatch(l -> l.contains("resumed at step 1:")), log.toString());
        }
        out = cli("finetune", "--resume", run.toString(), "--max-time", "0");
        assertEquals("0", out[0], out[1] + out[2]);
        assertEquals(4, MetricsLog.read(run.resolve(RunFolder.METRICS)).size());
        assertEquals(RunState.FINISHED, new RunFolder(run).readStatus().state());
    }

    @Test
    void runFoldersOfEarlierVersionsStillResume() throws Exception {
        Path ffn = copy("data/biopython_NC_005816.ffn.gz");
        List<Source> open = open(ffn);
        List<RecordRef> ticked = open.subList(2, 9).stream().map(Source::ref).toList();
        List<RecordRef> held = List.of(open.get(8).ref());
        Path run = tmp.resolve("old-view-run");
        FineTuneSessionTask view = FineTuneSessionTask.newRun(run, settings(), FineTuneInputs.records(ticked, null,
                held), open, tiny(), new MetricsBuffer(), "test");
        view.run();
        assertEquals(TaskStatus.FINISHED, view.status(), view.message());
        TrainingData started = FineTuneInputs.records(ticked, null, held).build(FineTuneRunSettings.of(run), open,
                ReadProgress.NONE);
        // as the view wrote it before: selection.json and no inputs.json
        Files.delete(run.resolve(FineTuneInputs.FILE));
        StringBuilder refs = new StringBuilder();
        for (RecordRef r : ticked) {
            refs.append(refs.length() == 0 ? "" : ", ").append("{\"file\": 0, \"id\": \"").append(r.id())
                    .append("\"}");
        }
        Files.writeString(run.resolve("selection.json"), "{\"files\": [{\"path\": \"" + ffn.toAbsolutePath()
                + "\", \"sha256\": \"" + org.evo2wb.engine.io.Sha256.of(ffn) + "\"}], \"records\": [" + refs
                + "], \"feature-type\": null, \"validation\": [{\"file\": 0, \"id\": \"" + held.get(0).id()
                + "\"}]}");
        FineTuneInputs legacy = FineTuneInputs.read(run);
        assertEquals(ticked, legacy.records());
        assertEquals(held, legacy.validationRecords());
        assertSameWindows(started, legacy.build(FineTuneRunSettings.of(run), List.of(), ReadProgress.NONE));
        String[] out = cli("finetune", "--resume", run.toString(), "--max-time", "0");
        assertEquals("0", out[0], out[1] + out[2]);
        assertTrue(out[1].contains(counts(started)), out[1]);
        assertEquals(RunState.FINISHED, new RunFolder(run).readStatus().state());

        // the command line's inputs.json of before: only the file lists
        Path cliRun = tmp.resolve("old-cli-run");
        String[] first = cli("finetune", "--model", resource("golden/tiny.pt").toString(), "--train", ffn.toString(),
                "--run-dir", cliRun.toString(), "--window", "64", "--batch", "2", "--rank", "4", "--steps", "4",
                "--warmup-steps", "1", "--device", "cpu", "--seed", "7", "--max-time", "0.001s");
        assertEquals("0", first[0], first[1] + first[2]);
        Files.writeString(cliRun.resolve(FineTuneInputs.FILE), "{\"train\": [\"" + ffn.toAbsolutePath()
                + "\"], \"validation\": []}");
        assertTrue(FineTuneInputs.read(cliRun).wholeFiles());
        FineTuneSessionTask resumed = FineTuneSessionTask.resume(cliRun, List.of(), new MetricsBuffer(), "test");
        resumed.run();
        assertEquals(TaskStatus.FINISHED, resumed.status(), resumed.message());
        assertEquals(RunState.FINISHED, new RunFolder(cliRun).readStatus().state());
    }

    @Test
    void theCommandShownInTheViewReproducesTheRun() throws Exception {
        Path ffn = copy("data/biopython_NC_005816.ffn.gz");
        List<Source> open = open(ffn);
        FineTuneSettings s = FineTuneSettings.builder(null).setText("window-length", "64").setText("batch-size", "2")
                .setText("lora-rank", "4").setText("max-steps", "2").setText("warmup-steps", "1")
                .setText("eval-every", "2").setText("eval-batches", "2").setText("device", "cpu")
                .setText("seed", "7").build();
        // some records ticked, two of them held out by hand; then every record with the seeded split
        List<RecordRef> ticked = open.subList(1, 8).stream().map(Source::ref).toList();
        RecordSelection some = RecordSelection.of(ticked, null, List.of(open.get(6).ref(), open.get(7).ref()));
        RecordSelection all = RecordSelection.of(open.stream().map(Source::ref).toList(), null, null);
        int n = 0;
        for (RecordSelection selection : List.of(some, all)) {
            Path runs = Files.createDirectories(tmp.resolve("runs" + n++));
            Path viewRun = runs.resolve("view");
            FineTuneSessionTask view = FineTuneSessionTask.newRun(viewRun, s, FineTuneInputs.of(selection,
                    selection == all), open, tiny(), new MetricsBuffer(), "test");
            view.run();
            assertEquals(TaskStatus.FINISHED, view.status(), view.message());

            String shown = CommandLine.of(resource("golden/tiny.pt").toString(), selection, s, runs,
                    selection == all);
            List<String> words = shellWords(shown);
            assertEquals(List.of("evo2wb", "finetune"), words.subList(0, 2), shown);
            String[] out = cli(words.subList(1, words.size()).toArray(String[]::new));
            assertEquals("0", out[0], shown + "\n" + out[1] + out[2]);
            Path cliRun = runs.resolve(CommandLine.RUN_FOLDER);

            com.google.gson.JsonObject a = new RunFolder(viewRun).readRecord();
            com.google.gson.JsonObject b = new RunFolder(cliRun).readRecord();
            for (String key : List.of("settings", "data", "model")) {
                assertEquals(a.get(key), b.get(key), key + " of the run records, for " + shown);
            }
            assertEquals(FineTuneInputs.read(viewRun), FineTuneInputs.read(cliRun), shown);
            assertEquals(losses(viewRun), losses(cliRun), "the same steps: " + shown);
        }
    }

    private static List<Double> losses(Path run) throws Exception {
        return MetricsLog.read(run.resolve(RunFolder.METRICS)).stream().map(m -> Double.valueOf(m.get("train_loss")))
                .toList();
    }

    /** The words a POSIX shell makes of a command: single quotes, backslash-newline continuations. */
    private static List<String> shellWords(String command) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        boolean quoted = false;
        String text = command.lines().filter(l -> !l.startsWith("#")).reduce("", (x, y) -> x + y + "\n")
                .replace("\\\n", " ");
        for (char c : text.toCharArray()) {
            if (quoted) {
                if (c == '\'') {
                    quoted = false;
                } else {
                    w.append(c);
                }
            } else if (c == '\'') {
                quoted = true;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    out.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            out.add(w.toString());
        }
        return out;
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    /** The recorded settings of a run, as resuming reads them. */
    private static final class FineTuneRunSettings {
        static FineTuneSettings of(Path run) throws java.io.IOException {
            return org.evo2wb.engine.train.FineTuneRun.readSettings(run);
        }
    }

    private static String counts(TrainingData d) {
        var s = d.dataset().summary();
        return String.format(java.util.Locale.ROOT, "%,d training windows (%,d records), %,d validation windows "
                + "(%,d records)", s.trainWindows(), s.trainRecords(), s.validationWindows(), s.validationRecords());
    }

    private static void assertSameWindows(TrainingData a, TrainingData b) {
        assertWindows(a.train(), b.train());
        assertWindows(a.validation(), b.validation());
        assertFalse(a.train().size() == 0, "some training windows");
    }

    private static void assertWindows(WindowSource a, WindowSource b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            TokenWindow x = a.get(i);
            TokenWindow y = b.get(i);
            assertEquals(x.record(), y.record(), "window " + i);
            assertEquals(x.start(), y.start(), "window " + i);
            assertEquals(x.reverseComplement(), y.reverseComplement(), "window " + i);
            assertArrayEquals(x.tokens(), y.tokens(), "window " + i);
        }
    }

    private static Set<String> records(WindowSource w) {
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < w.size(); i++) {
            out.add(w.get(i).record());
        }
        return out;
    }

    private static String[] cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cl = Evo2wbCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new String[] {String.valueOf(exit), out.toString(), err.toString()};
    }

    private static List<Source> open(Path file) throws Exception {
        List<Source> out = new ArrayList<>();
        for (SequenceRecord r : SequenceFiles.read(file)) {
            out.add(new Source(file, r));
        }
        return out;
    }

    private static ModelSpec.Resolved tiny() throws Exception {
        Path weights = resource("golden/tiny.pt");
        return new ModelSpec.Resolved(ModelSpec.Kind.FILE, "tiny", weights,
                Evo2Config.load(resource("golden/tiny.yml")), "test", null,
                org.evo2wb.engine.checkpoint.Integrity.CHECKED);
    }

    private Path copy(String name) throws Exception {
        return Files.copy(resource(name), tmp.resolve(Path.of(name).getFileName()));
    }

    private static Path resource(String name) {
        try {
            return Path.of(RunAcrossViewAndCommandLineTest.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
