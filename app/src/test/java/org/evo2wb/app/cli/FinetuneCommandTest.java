package org.evo2wb.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.evo2wb.engine.checkpoint.CheckpointFile;
import org.evo2wb.engine.checkpoint.Checkpoints;
import org.evo2wb.engine.checkpoint.Half;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.StorageType;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.lora.PeftAdapter;
import org.evo2wb.engine.model.ModelArchitecture;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.train.run.FineTunedModel;
import org.evo2wb.engine.train.run.MetricsLog;
import org.evo2wb.engine.train.run.RunFolder;
import org.evo2wb.engine.train.run.RunState;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.Hyperparameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code evo2wb finetune} and {@code evo2wb export} with the tiny golden model on pPCP1 CDS records. */
class FinetuneCommandTest {

    @TempDir
    Path tmp;

    @Test
    void everyDeclaredSettingIsAnOptionWithItsHelp() {
        CommandSpec spec = Evo2wbCli.commandLine().getSubcommands().get("finetune").getCommandSpec();
        for (Hyperparameter<?> p : FineTuneParameters.ALL) {
            OptionSpec o = spec.findOption(p.flag());
            assertNotNull(o, p.flag() + " missing");
            assertEquals(p.valueLabel(), o.paramLabel(), p.flag());
            assertEquals(p.helpText(), String.join(" ", o.description()).replace("%%", "%"), p.flag());
        }
        assertEquals(spec.findOption("--learning-rate"), spec.findOption("--lr"));
        assertEquals(spec.findOption("--lora-rank"), spec.findOption("--rank"));
        String help = Evo2wbCli.commandLine().getSubcommands().get("finetune").getUsageMessage();
        for (Hyperparameter.Group g : Hyperparameter.Group.values()) {
            assertTrue(help.contains(g.title() + ":"), "help section " + g.title());
        }
        assertTrue(help.contains("Default: 2 × LoRA rank."), help);
    }

    @Test
    void everyProblemWithTheSettingsIsReportedAtOnceNamingItsFlag() {
        Cli.Run r = Cli.run("finetune", "--model", Cli.tinyModel(), "--train", "x.fasta", "--run-dir",
                tmp.resolve("run"), "--lr", "5", "--lora-rank", "2000", "--method", "bogus", "--max-time", "soon");
        assertEquals(2, r.exit(), r.toString());
        List<String> lines = r.err().lines().toList();
        assertEquals("evo2wb finetune: 4 problems with the options:", lines.get(0));
        assertTrue(lines.contains("  --learning-rate: 5 is outside the allowed range (> 0 and ≤ 1)"), r.err());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("  --lora-rank: 2000 is outside the allowed range")),
                r.err());
        assertTrue(lines.contains("  --method: 'bogus' is not one of lora, full, filters"), r.err());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("  --max-time: 'soon' is not a duration")), r.err());
        assertFalse(Files.exists(tmp.resolve("run")), "nothing starts when the options are wrong");

        r = Cli.run("finetune", "--stride", "2000", "--window", "1000", "--val", "v.fa", "--validation-fraction",
                "0.2");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("  --run-dir: name a new folder"), r.err());
        assertTrue(r.err().contains("  --model: name the model"), r.err());
        assertTrue(r.err().contains("  --train: name at least one"), r.err());
        assertTrue(r.err().contains("  --validation-fraction: validation records come from the --val files"), r.err());
        assertTrue(r.err().contains("  --stride, --window-length: a stride of 2000 bases is longer than a window's 999"),
                r.err());

        r = Cli.run("finetune", "--resume", tmp.resolve("none"), "--lr", "0.1", "--preset", "full");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("  --learning-rate: a resumed run keeps the settings it started with"), r.err());
        assertTrue(r.err().contains("  --preset: a resumed run keeps"), r.err());

        r = Cli.run("finetune", "--resume", tmp.resolve("none"));
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("evo2wb finetune: " + tmp.resolve("none") + ": no run.json here"), r.err());
    }

    @Test
    void aCheckpointedRunSaysHowManyBlocksItRecomputes() throws Exception {
        Path train = Cli.fasta(tmp.resolve("train.fasta"), Cli.cds().subList(0, 4), 200);
        for (String kept : List.of("0", "2")) {
            System.setProperty("evo2wb.keptBlocks", kept);
            try {
                Path run = tmp.resolve("run-" + kept);
                Cli.Run r = Cli.run("finetune", "--model", Cli.tinyModel(), "--train", train, "--run-dir", run,
                        "--window", "64", "--batch", "2", "--steps", "1", "--eval-every", "1", "--device", "cpu",
                        "--activation-checkpointing", "true");
                assertEquals(0, r.exit(), r.toString());
                String expected = kept.equals("0") ? "activation checkpointing recomputes every block"
                        : "activation checkpointing recomputes 3 of 5 blocks (the last 2 keep their graphs)";
                assertTrue((r.out() + r.err()).contains(expected), r.toString());
            } finally {
                System.clearProperty("evo2wb.keptBlocks");
            }
        }
    }

    @Test
    void loraRunStopsResumesAndExportsAModelTheLoaderReadsBack() throws Exception {
        Path train = Cli.fasta(tmp.resolve("train.fasta"), Cli.cds().subList(0, 8), 400);
        Path val = Cli.fasta(tmp.resolve("val.fasta"), Cli.cds().subList(8, 10), 200);
        Path run = tmp.resolve("run");
        // the time limit of 1 ms stops the run after its first step, as a stop by the user would
        Cli.Run r = Cli.run("finetune", "--model", Cli.tinyModel(), "--train", train, "--val", val, "--run-dir", run,
                "--window", "64", "--batch", "2", "--rank", "4", "--lr", "0.01", "--steps", "6", "--warmup-steps", "1",
                "--eval-every", "3", "--eval-batches", "2", "--device", "cpu", "--seed", "7", "--max-time", "0.001s");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("fine-tuning LoRA adapters (small, fast) in " + run + ": 52 training windows "
                + "(8 records), 8 validation windows (2 records) of 63 bases"), r.out());
        assertTrue(r.out().contains("reached the time limit of 0.001s at step 1 of 6"), r.out());
        assertTrue(r.err().contains("step 1/6 ["), r.err());
        assertEquals(1, MetricsLog.read(run.resolve(RunFolder.METRICS)).size());

        r = Cli.run("finetune", "--resume", run, "--max-time", "0");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("resuming LoRA adapters (small, fast) in " + run), r.out());
        assertTrue(r.err().contains("training: resuming at step 1 of 6"), r.err());
        assertTrue(r.err().contains("step 6/6 [####################] 100%"), r.err());
        assertTrue(r.out().contains("adapter: " + run.resolve("adapter")), r.out());
        assertEquals(6, MetricsLog.read(run.resolve(RunFolder.METRICS)).size());
        assertEquals(RunState.FINISHED, new RunFolder(run).readStatus().state());

        // export: fp32 safetensors reproduce the merged fine-tuned model exactly
        float[] merged;
        try (FineTunedModel m = FineTunedModel.load(run, Device.cpu(), Precision.FP32, true)) {
            assertTrue(m.best(), "the run kept a best checkpoint");
            assertTrue(m.step() == 3 || m.step() == 6, "evaluated at steps 3 and 6, best at " + m.step());
            merged = Cli.logits(m.model());
        }
        Evo2Config tiny = Evo2Config.load(Cli.tinyConfig());
        Path fp32 = tmp.resolve("tuned.safetensors");
        r = Cli.run("export", "--run", run, "--format", "safetensors", "--dtype", "fp32", "--out", fp32);
        assertEquals(0, r.exit(), r.toString());
        try (StripedHyena back = StripedHyena.load(fp32, tiny, Device.cpu(), Precision.FP32)) {
            assertArrayEquals(merged, Cli.logits(back));
        }
        try (StripedHyena base = Cli.loadTiny()) {
            float[] before = Cli.logits(base);
            assertFalse(java.util.Arrays.equals(before, merged), "fine-tuning changed the model");
        }

        // .pt in the released layout: the same tensors rounded to bf16 (poles and residues fp32), unembed included
        Path pt = tmp.resolve("tuned.pt");
        r = Cli.run("export", "--run", run, "--format", "pt", "--out", pt);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("released layout, bf16"), r.out());
        Map<String, HostTensor> exact;
        try (CheckpointFile f = Checkpoints.open(fp32)) {
            exact = new java.util.LinkedHashMap<>();
            for (String k : f.infos().keySet()) {
                exact.put(k, f.tensor(k));
            }
        }
        try (CheckpointFile f = Checkpoints.open(pt)) {
            assertEquals(exact.keySet(), f.infos().keySet());
            assertTrue(f.infos().containsKey("unembed.weight"));
            for (Map.Entry<String, HostTensor> e : exact.entrySet()) {
                HostTensor got = f.tensor(e.getKey());
                float[] want = e.getValue().toFloatArray();
                boolean fp32Kept = e.getKey().endsWith("log_poles") || e.getKey().endsWith("residues");
                assertEquals(fp32Kept ? StorageType.F32 : StorageType.BF16, got.type(), e.getKey());
                float[] values = got.toFloatArray();
                for (int i = 0; i < want.length; i++) {
                    float rounded = fp32Kept ? want[i] : Half.bf16ToFloat(Half.floatToBf16(want[i]));
                    assertEquals(rounded, values[i], e.getKey() + "[" + i + "]");
                }
            }
        }
        // reading the .pt back gives exactly the model of the bf16-rounded weights
        Map<String, HostTensor> rounded = new java.util.LinkedHashMap<>();
        exact.forEach((k, t) -> rounded.put(k, k.endsWith("log_poles") || k.endsWith("residues") ? t : bf16(t)));
        try (StripedHyena back = StripedHyena.load(pt, tiny, Device.cpu(), Precision.FP32);
             StripedHyena direct = StripedHyena.fromTensors("rounded", rounded, ModelArchitecture.of(tiny),
                     Device.cpu(), Precision.FP32)) {
            float[] logits = Cli.logits(back);
            assertArrayEquals(Cli.logits(direct), logits);
            double worst = 0;
            double scale = 0;
            for (int i = 0; i < logits.length; i++) {
                worst = Math.max(worst, Math.abs(logits[i] - merged[i]));
                scale = Math.max(scale, Math.abs(merged[i]));
            }
            assertTrue(worst < 0.05 * scale, "bf16 rounding of the weights moved a logit by " + worst + " of "
                    + scale);
        }

        Path adapter = tmp.resolve("adapter-copy");
        r = Cli.run("export", "--run", run, "--format", "adapter", "--out", adapter);
        assertEquals(0, r.exit(), r.toString());
        PeftAdapter.Saved saved = PeftAdapter.read(adapter);
        assertEquals(4, saved.config().rank());
        assertEquals(PeftAdapter.read(run.resolve("adapter")).weights().keySet(), saved.weights().keySet());

        r = Cli.run("export", "--run", tmp, "--format", "pt", "--out", tmp.resolve("x.pt"));
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("no run.json here"), r.err());
    }

    private static HostTensor bf16(HostTensor t) {
        float[] v = t.toFloatArray();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(v.length * 2).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putShort(Half.floatToBf16(x));
        }
        return new HostTensor(StorageType.BF16, t.shape(), b.flip());
    }
}
