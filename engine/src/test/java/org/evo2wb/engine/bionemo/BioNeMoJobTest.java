package org.evo2wb.engine.bionemo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.evo2wb.bio.ReadProgress;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.lora.TinyModel;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.train.settings.FineTuneMethod;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.FineTuneSettings;
import org.evo2wb.engine.train.settings.Hyperparameter;
import org.evo2wb.engine.train.data.TokenWindow;
import org.evo2wb.engine.train.data.TrainingData;
import org.evo2wb.engine.train.data.WindowSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The BioNeMo job export: every flag it writes is an argument of the recipe (fixture list from the recipe commit it
 * follows), every setting is accounted for, and the exported FASTA equals our split and windows for real GenBank and
 * FASTA files (the Yersinia pestis plasmid pPCP1, NC_005816, from Debian's python-biopython-doc).
 */
class BioNeMoJobTest {

    static final Path GENBANK = TinyModel.resource("data/biopython_NC_005816.gb.gz");
    static final Path CDS_FASTA = TinyModel.resource("data/biopython_NC_005816.ffn.gz");

    @TempDir
    Path dir;

    /** command → argument names, read from the fixture; also checks its commit is the one the mapping names. */
    static Map<String, Set<String>> recipeArguments() throws IOException {
        Map<String, Set<String>> out = new HashMap<>();
        String commit = null;
        try (InputStream in = BioNeMoJobTest.class.getResourceAsStream("recipe-arguments.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("# commit: ")) {
                    commit = line.substring("# commit: ".length()).trim();
                } else if (!line.isBlank() && !line.startsWith("#")) {
                    String[] p = line.trim().split(" ");
                    out.computeIfAbsent(p[0], k -> new HashSet<>()).add(p[1]);
                }
            }
        }
        assertEquals(RecipeSource.COMMIT, commit, "the fixture's recipe commit is the one the mapping follows");
        return out;
    }

    static FineTuneSettings settings(String... nameValue) {
        FineTuneSettings.Builder b = FineTuneSettings.builder(null);
        for (int i = 0; i < nameValue.length; i += 2) {
            b.setText(nameValue[i], nameValue[i + 1]);
        }
        return b.build();
    }

    static StartingModel released7b() {
        return StartingModel.of(Path.of("models/evo2_7b.pt"), Evo2Config.preset("evo2-7b-1m"), false);
    }

    /** The {@code --flag} tokens after {@code command} on its (continued) command line in a script. */
    static List<String> flagsAfter(String script, String command) {
        String joined = script.replace("\\\n", " ");
        List<String> out = new ArrayList<>();
        for (String line : joined.split("\n")) {
            String t = line.trim();
            int at = (" " + t + " ").indexOf(" " + command + " ");
            if (t.startsWith("#") || at < 0) {
                continue;
            }
            for (String tok : t.substring(at + command.length()).trim().split("\\s+")) {
                if (tok.startsWith("--")) {
                    out.add(tok);
                }
            }
        }
        return out;
    }

    @Test
    void everyFlagTheExportWritesIsARecipeArgument() throws Exception {
        Map<String, Set<String>> recipe = recipeArguments();
        List<FineTuneSettings> variants = List.of(
                settings("window-length", "256", "lora-rank", "8", "lora-alpha", "16", "activation-checkpointing",
                        "false", "precision", "fp16", "keep-last", "3"),
                settings("method", "full", "window-length", "256", "activation-checkpointing", "true"),
                settings("method", "filters", "window-length", "256", "grad-accumulation", "4"));
        int n = 0;
        for (FineTuneSettings s : variants) {
            TrainingData data = TrainingData.build(List.of(GENBANK, CDS_FASTA), s, ReadProgress.NONE);
            for (StartingModel model : List.of(released7b(), StartingModel.of(Path.of("run/evo2_7b.pt"),
                    Evo2Config.preset("evo2-7b-1m"), true))) {
                Path job = dir.resolve("job" + n++);
                BioNeMoJob.export(job, s, data, model, "test", () -> false);
                List<String> train = flagsAfter(Files.readString(job.resolve(BioNeMoJob.LAUNCH)),
                        RecipeSource.TRAIN_COMMAND);
                assertTrue(train.size() >= 20, "the launch passes the settings' flags: " + train);
                assertEquals(train.size(), new HashSet<>(train).size(), "no flag twice: " + train);
                for (String f : train) {
                    assertTrue(recipe.get(RecipeSource.TRAIN_COMMAND).contains(f), f + " is not a train_evo2 argument");
                }
                String prepare = Files.readString(job.resolve(BioNeMoJob.PREPARE));
                for (String cmd : List.of(RecipeSource.PREPROCESS_COMMAND, RecipeSource.SAVANNA_CONVERTER)) {
                    for (String f : flagsAfter(prepare, cmd)) {
                        assertTrue(recipe.get(cmd).contains(f), f + " is not a " + cmd + " argument");
                    }
                }
                assertEquals(model.released(), prepare.contains(RecipeSource.SAVANNA_CONVERTER + " --savanna-ckpt-path"
                        + " 'arcinstitute/savanna_evo2_7b'"));
                for (String f : SettingMapping.of(s, BioNeMoJob.export(dir.resolve("again" + n), s, data, model,
                        "test", () -> false).plan()).flags().keySet()) {
                    assertTrue(train.contains(f), f + " mapped but not written");
                }
            }
        }
    }

    @Test
    void loraSettingsMapOneByOne() throws Exception {
        FineTuneSettings s = settings("window-length", "256", "lora-rank", "8", "lora-alpha", "24", "lora-dropout",
                "0.05", "learning-rate", "3e-4", "min-learning-rate", "3e-5", "weight-decay", "0.02", "clip-norm",
                "0.5", "batch-size", "2", "grad-accumulation", "3", "max-steps", "40", "warmup-steps", "4",
                "eval-every", "10", "seed", "7");
        TrainingData data = TrainingData.build(List.of(GENBANK, CDS_FASTA), s, ReadProgress.NONE);
        BioNeMoJob.Result r = BioNeMoJob.export(dir.resolve("job"), s, data, released7b(), "test", () -> false);
        Map<String, String> f = r.mapping().flags();
        assertTrue(f.containsKey("--lora-finetune"));
        assertEquals("8", f.get("--lora-dim"));
        assertEquals("24", f.get("--lora-alpha"));
        assertEquals("0.05", f.get("--lora-dropout"));
        assertEquals("dense_projection,dense,linear_qkv,linear_proj,linear_fc1,linear_fc2", f.get("--lora-target-modules"));
        assertEquals("256", f.get("--seq-length"));
        assertEquals(3e-4, Double.parseDouble(f.get("--lr")));
        assertEquals(3e-5, Double.parseDouble(f.get("--min-lr")));
        assertEquals("0.02", f.get("--wd"));
        assertEquals("0.5", f.get("--clip-grad"));
        // max steps given and epochs left open: the run is exactly the 40 steps (TrainingPlan's rule)
        long planned = 40;
        assertEquals(planned, r.plan().plannedSteps());
        assertEquals(Long.toString(planned), f.get("--max-steps"));
        assertEquals(Long.toString(planned), f.get("--decay-steps"), "cosine ends at the last step, as ours");
        assertEquals("4", f.get("--warmup-steps"));
        assertEquals("10", f.get("--eval-interval"));
        // every validation batch of 2 windows, counted in the recipe's global batches of 6 windows
        int validationBatches = (data.validation().size() + 1) / 2;
        assertEquals(Integer.toString((validationBatches + 2) / 3), f.get("--eval-iters"));
        assertEquals("7", f.get("--seed"));
        assertEquals("bf16_mixed", f.get("--mixed-precision-recipe"));
        String launch = Files.readString(r.folder().resolve(BioNeMoJob.LAUNCH));
        assertTrue(launch.contains("MICRO_BATCH_SIZE=\"${MICRO_BATCH_SIZE:-2}\""), launch);
        assertTrue(launch.contains("GLOBAL_BATCH_SIZE=\"${GLOBAL_BATCH_SIZE:-6}\""), launch);
        assertTrue(launch.contains("--model-size 'evo2_7b'"));
    }

    @Test
    void everySettingIsAccountedForAndTheUnmappedAreInTheReadme() throws Exception {
        FineTuneSettings s = settings("window-length", "256", "lora-alpha", "20.5", "early-stopping-patience", "2",
                "max-time", "2h");
        TrainingData data = TrainingData.build(List.of(GENBANK, CDS_FASTA), s, ReadProgress.NONE);
        BioNeMoJob.Result r = BioNeMoJob.export(dir.resolve("job"), s, data, released7b(), "test", () -> false);
        assertEquals(FineTuneParameters.ALL.stream().map(Hyperparameter::name).sorted().toList(),
                r.mapping().entries().stream().map(SettingMapping.Entry::setting).sorted().toList());
        String readme = Files.readString(r.folder().resolve(BioNeMoJob.README));
        String unmappedSection = readme.substring(readme.indexOf("## Settings with no equivalent"));
        Set<String> listed = r.mapping().unmapped().stream().map(SettingMapping.Entry::setting)
                .collect(Collectors.toSet());
        assertTrue(listed.containsAll(Set.of("early-stopping-patience", "max-time", "lowercase-loss-weight",
                "device", "devices")), listed.toString());
        for (String name : listed) {
            assertTrue(unmappedSection.contains("**" + name + "**"), name + " missing from the README's list");
        }
        assertTrue(readme.contains("20.5 is written as 21"), "the rounded LoRA alpha is said");
        assertTrue(Files.readString(r.folder().resolve(BioNeMoJob.SLURM)).contains("#SBATCH --time=0-02:00:00"));
        assertTrue(readme.contains(RecipeSource.COMMIT));
    }

    /** Reads a FASTA file back: header line → sequence. */
    static List<String[]> readFasta(Path file) throws IOException {
        List<String[]> out = new ArrayList<>();
        StringBuilder seq = null;
        String header = null;
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            if (line.startsWith(">")) {
                if (header != null) {
                    out.add(new String[] {header, seq.toString()});
                }
                header = line.substring(1);
                seq = new StringBuilder();
            } else {
                assertTrue(line.length() <= WindowFasta.LINE);
                seq.append(line);
            }
        }
        if (header != null) {
            out.add(new String[] {header, seq.toString()});
        }
        return out;
    }

    static void assertSame(WindowSource windows, List<String[]> fasta) {
        assertEquals(windows.size(), fasta.size());
        for (int i = 0; i < windows.size(); i++) {
            TokenWindow w = windows.get(i);
            byte[] t = w.tokens();
            int n = t.length;
            while (n > 0 && t[n - 1] == 0) {
                n--;
            }
            assertEquals(new String(t, 0, n, StandardCharsets.US_ASCII), fasta.get(i)[1], "window " + i);
            assertEquals("w" + i + " " + w.record() + " start=" + w.start() + " strand="
                    + (w.reverseComplement() ? "-" : "+"), fasta.get(i)[0]);
        }
    }

    @Test
    void exportedDataEqualOurSplitAndWindows() throws Exception {
        FineTuneSettings s = settings("window-length", "512", "stride", "400", "validation-fraction", "0.3",
                "reverse-complement", "random", "seed", "11");
        TrainingData data = TrainingData.build(List.of(GENBANK, CDS_FASTA), s, ReadProgress.NONE);
        BioNeMoJob.Result r = BioNeMoJob.export(dir.resolve("job"), s, data, released7b(), "test", () -> false);
        List<String[]> train = readFasta(r.folder().resolve(BioNeMoJob.TRAIN_FASTA));
        List<String[]> val = readFasta(r.folder().resolve(BioNeMoJob.VALIDATION_FASTA));
        assertSame(data.train(), train);
        assertSame(data.validation(), val);
        assertTrue(train.stream().anyMatch(h -> h[0].endsWith("strand=-")), "random strands are kept as chosen");
        // whole records on one side: 11 records in all (1 GenBank + 10 CDS), none on both sides
        Set<String> trainRecords = train.stream().map(h -> h[0].split(" ")[1]).collect(Collectors.toSet());
        Set<String> valRecords = val.stream().map(h -> h[0].split(" ")[1]).collect(Collectors.toSet());
        assertTrue(trainRecords.stream().noneMatch(valRecords::contains));
        assertEquals(11, trainRecords.size() + valRecords.size());
        assertEquals(data.dataset().summary().trainWindows(), r.trainWindows());
        assertEquals(train.stream().mapToLong(h -> h[1].length()).sum(), r.trainBases());
        String pre = Files.readString(r.folder().resolve(BioNeMoJob.PREPROCESS_CONFIG));
        assertTrue(pre.contains("datapaths: [\"data/train.fasta\"]") && pre.contains("train_split: 1.0"));
        String ds = Files.readString(r.folder().resolve(BioNeMoJob.DATASET_CONFIG));
        assertTrue(ds.contains("dataset_prefix: validation_nucleotide_fast_tokenizer_256_val\n  dataset_split: "
                + "validation"));
    }

    @Test
    void anExistingFolderIsRefusedAndACancelledExportLeavesNothing() throws Exception {
        FineTuneSettings s = settings("window-length", "256");
        TrainingData data = TrainingData.build(List.of(CDS_FASTA), s, ReadProgress.NONE);
        Path job = dir.resolve("job");
        Files.createDirectories(job);
        IOException e = assertThrows(IOException.class,
                () -> BioNeMoJob.export(job, s, data, released7b(), "test", () -> false));
        assertTrue(e.getMessage().contains(job.toString()));
        Files.delete(job);
        assertThrows(CancellationException.class,
                () -> BioNeMoJob.export(job, s, data, released7b(), "test", () -> true));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), "no folder, no temporary");
        }
        FineTuneSettings noVal = settings("window-length", "256", "validation-fraction", "0");
        TrainingData all = TrainingData.build(List.of(CDS_FASTA), noVal, ReadProgress.NONE);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BioNeMoJob.export(job, noVal, all,
                released7b(), "test", () -> false)).getMessage().contains("validation"));
        assertFalse(Files.exists(job));
    }

    @Test
    void startingModelsMapToTheRecipesModelsAndSavannaCheckpoints() throws Exception {
        StartingModel m = released7b();
        assertEquals("evo2_7b", m.modelSize());
        assertEquals("arcinstitute/savanna_evo2_7b", m.savannaRepo());
        assertTrue(m.released());
        assertEquals(1_048_576, m.seqLength());
        StartingModel base = StartingModel.of(Path.of("evo2_1b_base.pt"), Evo2Config.preset("evo2-1b-8k"), false);
        assertEquals("arcinstitute/savanna_evo2_1b_base", base.savannaRepo());
        StartingModel byName = StartingModel.of(Path.of("my-export.pt"), Evo2Config.preset("evo2-40b-8k"), false);
        assertEquals("evo2_40b_base", byName.modelSize());
        assertFalse(byName.released(), "weights of our own are converted, not fetched");
        assertFalse(StartingModel.of(Path.of("evo2_7b.pt"), Evo2Config.preset("evo2-7b-1m"), true).released());
        Evo2Config tiny = Evo2Config.load(TinyModel.resource("golden/tiny.yml"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StartingModel.of(Path.of("tiny.pt"), tiny, false));
        assertTrue(e.getMessage().contains("tiny.pt") && e.getMessage().contains("evo2_7b"), e.getMessage());
        assertEquals(FineTuneMethod.LORA, FineTuneSettings.defaults().get(FineTuneParameters.METHOD));
        assertEquals(Precision.FP32, FineTuneSettings.defaults().get(FineTuneParameters.PRECISION));
    }
}
