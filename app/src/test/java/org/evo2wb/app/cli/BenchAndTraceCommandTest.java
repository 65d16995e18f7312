package org.evo2wb.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.evo2wb.engine.bench.FineTuneBenchmark;
import org.evo2wb.engine.train.settings.InvalidSettingsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code evo2wb bench} and {@code evo2wb trace}. */
class BenchAndTraceCommandTest {

    @Test
    void benchForwardTimesTheFirstBlockOfAPresetAndBenchScoreAModel() {
        Cli.Run r = Cli.run("bench", "forward", "--preset", "evo2-1b-8k", "--layers", "1", "--length", "32",
                "--warmup", "0", "--reps", "1", "--device", "cpu");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("evo2-1b-8k (first 1 of 25 blocks): "), r.out());
        assertTrue(r.out().contains("batch 1 x length 32") && r.out().contains("tokens/s"), r.out());

        r = Cli.run("bench", "score", "--model", Cli.tinyModel(), "--length", "64", "--batch", "2", "--reps", "2",
                "--device", "cpu");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("score 2 x 64 bases: median "), r.out());

        r = Cli.run("bench", "forward", "--preset", "evo2-3b", "--length", "32");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("evo2wb bench forward: --preset: unknown preset 'evo2-3b'"), r.err());
    }

    @Test
    void benchForwardAddsItsFiguresAsARowOfAJsonArray(@TempDir Path tmp) throws Exception {
        Path rows = tmp.resolve("gpu.json");
        for (int i = 0; i < 2; i++) {
            Cli.Run r = Cli.run("bench", "forward", "--preset", "evo2-1b-8k", "--layers", "1", "--length", "32",
                    "--warmup", "0", "--reps", "1", "--device", "cpu", "--record", rows);
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().contains("recorded in " + rows), r.out());
            JsonArray a = JsonParser.parseString(Files.readString(rows)).getAsJsonArray();
            assertEquals(i + 1, a.size(), "one row per run, the earlier ones kept");
            JsonObject row = a.get(i).getAsJsonObject();
            assertRow(row, r, "forward", "evo2-1b-8k (first 1 blocks)", 32, 1, "fp32", false);
            assertTrue(row.get("peak_gib").getAsDouble() > 0, row.toString());        // the peak resident memory
            assertTrue(row.get("card").getAsString().endsWith(" cores)"), row.toString());
            assertEquals(java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString(), row.get("date").getAsString());
        }
        assertEquals(4, Files.readAllLines(rows).size(), "one row per line between the brackets");

        Path object = tmp.resolve("object.json");
        Files.writeString(object, "{\"run\": \"forward\"}\n");
        Cli.Run r = Cli.run("bench", "forward", "--preset", "evo2-1b-8k", "--layers", "1", "--length", "32",
                "--warmup", "0", "--reps", "1", "--device", "cpu", "--record", object);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains(object + " is not a JSON array of benchmark rows but a JSON object; the row was "
                + "not added"), r.err());
        assertEquals("{\"run\": \"forward\"}\n", Files.readString(object), "left as it was");
    }

    /** A recorded row's fields, its tokens per second those the run printed. */
    private static void assertRow(JsonObject row, Cli.Run r, String run, String preset, int window, int batch,
                                  String precision, boolean checkpointing) {
        assertEquals(run, row.get("run").getAsString());
        assertEquals(preset, row.get("preset").getAsString());
        assertEquals(window, row.get("window").getAsInt());
        assertEquals(batch, row.get("batch").getAsInt());
        assertEquals(precision, row.get("precision").getAsString());
        assertEquals(checkpointing, row.get("checkpointing").getAsBoolean());
        assertEquals(printedTokensPerSecond(r.out()), row.get("tokens_per_s").getAsLong());
    }

    /** The tokens per second a bench line printed ("…, 1,234 tokens/s…"). */
    private static long printedTokensPerSecond(String out) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9,]+) tokens/s").matcher(out);
        assertTrue(m.find(), out);
        return Long.parseLong(m.group(1).replace(",", ""));
    }

    @Test
    void benchTrainRunsAShortFineTuningAndReportsSecondsPerStep(@TempDir Path tmp) throws Exception {
        Path fasta = Cli.fasta(tmp.resolve("cds.fasta"), Cli.cds(), 300);
        Path rows = tmp.resolve("rows.json");
        Cli.Run r = Cli.run("bench", "train", "--fasta", fasta, "--checkpoint", Cli.tinyModel(), "--config",
                Cli.tinyConfig(), "--steps", "3", "--folder", tmp.resolve("bench"), "--window-length", "64",
                "--batch-size", "2", "--record", rows);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("tiny.pt, lora, fp32, window 64, batch 2 × 1: "), r.out());
        assertTrue(r.out().contains(" s/step, ") && r.out().contains(" tokens/s"), r.out());
        assertTrue(Files.exists(tmp.resolve("bench/run/run.json")));
        JsonObject row = JsonParser.parseString(Files.readString(rows)).getAsJsonArray().get(0).getAsJsonObject();
        assertRow(row, r, "lora", "tiny.pt", 64, 2, "fp32", false);
        java.util.regex.Matcher step = java.util.regex.Pattern.compile("([0-9.]+) s/step").matcher(r.out());
        assertTrue(step.find(), r.out());
        assertEquals(step.group(1) + " s/step", row.get("note").getAsString());

        r = Cli.run("bench", "train", "--fasta", fasta, "--checkpoint", Cli.tinyModel(), "--config",
                Cli.tinyConfig(), "--steps", "2", "--folder", tmp.resolve("checkpointing"), "--window-length", "64",
                "--batch-size", "2", "--method", "full", "--activation-checkpointing", "true", "--record", rows);
        assertEquals(0, r.exit(), r.toString());
        JsonObject second = JsonParser.parseString(Files.readString(rows)).getAsJsonArray().get(1).getAsJsonObject();
        assertEquals("full", second.get("run").getAsString());
        assertEquals(true, second.get("checkpointing").getAsBoolean());
        assertTrue(second.get("note").getAsString().contains(" s/step; activation checkpointing recomputes "),
                second.toString());
        // the run says how many blocks it recomputes, and what a step then takes by the estimate
        assertTrue(r.out().startsWith("tiny.pt, full, fp32, activation checkpointing, window 64, batch 2 × 1 "
                + "(activation checkpointing recomputes "), r.out());
        assertTrue(r.out().contains(" graphs); about ") || r.out().contains("every block; about "), r.out());
        assertTrue(r.out().contains(" for a step by the estimate): load "), r.out());
        assertTrue(Files.readString(tmp.resolve("checkpointing/run/run.json"))
                .contains("\"activation-checkpointing\": \"true\""));

        r = Cli.run("bench", "train", "--fasta", fasta);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("evo2wb bench train: use --fasta FILE"), r.err());
    }

    @Test
    void theProgrammaticEntryTakesTheOptionsOfBenchTrainWithTheSettingsShortNames(@TempDir Path tmp)
            throws Exception {
        Path fasta = Cli.fasta(tmp.resolve("cds.fasta"), Cli.cds(), 300);
        String out = FineTuneBenchmark.run("--checkpoint", Cli.tinyModel().toString(), "--config",
                Cli.tinyConfig().toString(), "--method", "lora", "--window", "64", "--steps", "2", "--device", "cpu",
                "--precision", "fp32", "--checkpointing", "true", "--eval-every", "1000", "--checkpoint-every", "1000",
                "--batch", "2", "--train", fasta.toString(), "--folder", tmp.resolve("bench").toString());
        assertTrue(out.startsWith("tiny.pt, lora, fp32, activation checkpointing, window 64, batch 2 × 1 "
                + "(activation checkpointing recomputes "), out);
        String record = Files.readString(tmp.resolve("bench/run/run.json"));
        for (String setting : List.of("\"max-steps\": \"2\"", "\"eval-every\": \"1000\"",
                "\"checkpoint-every\": \"1000\"", "\"activation-checkpointing\": \"true\"")) {
            assertTrue(record.contains(setting), setting + " in " + record);
        }

        InvalidSettingsException bad = assertThrows(InvalidSettingsException.class, () -> FineTuneBenchmark.run(
                "--preset", "evo2-7b-8k", "--train", fasta.toString(), "--window", "many", "--lr", "-1"));
        assertTrue(bad.getMessage().contains("window-length") && bad.getMessage().contains("learning-rate"),
                bad.getMessage());
        assertThrows(CommandLine.ParameterException.class, () -> FineTuneBenchmark.run("--no-such-option", "1"));
    }

    @Test
    void benchTrainScalingComparesOneDeviceWithSeveral(@TempDir Path tmp) throws Exception {
        Path fasta = Cli.fasta(tmp.resolve("cds.fasta"), Cli.cds(), 300);
        Cli.Run r = Cli.run("bench", "train", "--fasta", fasta, "--checkpoint", Cli.tinyModel(), "--config",
                Cli.tinyConfig(), "--steps", "3", "--folder", tmp.resolve("bench"), "--window-length", "64",
                "--batch-size", "1", "--scaling", "cpu,cpu");
        assertEquals(0, r.exit(), r.toString());
        String[] lines = r.out().split("\\R");
        assertTrue(lines[0].startsWith("1 device (cpu): tiny.pt, lora, fp32, window 64, batch 1 × 1: "), r.out());
        assertTrue(lines[1].startsWith("2 devices (cpu,cpu): tiny.pt, lora, fp32, window 64, batch 2 × 1 on devices "
                + "cpu,cpu: "), r.out());
        assertTrue(lines[2].matches("scaling: [0-9,]+ -> [0-9,]+ tokens/s with 1 rows per device: speed-up "
                + "[0-9.]+ on 2 devices, efficiency [0-9]+ %; run folders in .*"), r.out());
        assertTrue(Files.exists(tmp.resolve("bench/run-2/run.json")));
        assertTrue(Files.readString(tmp.resolve("bench/run-2/run.json")).contains("\"devices\": \"cpu,cpu\""));

        r = Cli.run("bench", "train", "--fasta", fasta, "--checkpoint", Cli.tinyModel(), "--config",
                Cli.tinyConfig(), "--steps", "2", "--folder", tmp.resolve("two"), "--window-length", "64",
                "--batch-size", "2", "--devices", "cpu,cpu");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("tiny.pt, lora, fp32, window 64, batch 2 × 1 on devices cpu,cpu: "), r.out());

        // where the devices cannot draw seeded masks (GPUs), the run says they take turns for LoRA dropout
        System.setProperty("evo2wb.seededDropout", "false");
        try {
            r = Cli.run("bench", "train", "--fasta", fasta, "--checkpoint", Cli.tinyModel(), "--config",
                    Cli.tinyConfig(), "--steps", "2", "--folder", tmp.resolve("turns"), "--window-length", "64",
                    "--batch-size", "2", "--devices", "cpu,cpu", "--activation-checkpointing", "true");
        } finally {
            System.clearProperty("evo2wb.seededDropout");
        }
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("; LoRA dropout 0.1 on 2 devices with activation checkpointing: each recomputed "
                + "block draws its masks again"), r.out());

        r = Cli.run("bench", "train", "--fasta", fasta, "--checkpoint", Cli.tinyModel(), "--config",
                Cli.tinyConfig(), "--scaling", "cpu,cpu", "--record", tmp.resolve("rows.json"));
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("--record: not with --scaling (record each run on its own)"), r.err());
        assertTrue(!Files.exists(tmp.resolve("rows.json")), "nothing recorded");

        r = Cli.run("bench", "train", "--fasta", fasta, "--checkpoint", Cli.tinyModel(), "--config",
                Cli.tinyConfig(), "--scaling", "1");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("--scaling: name at least two devices"), r.err());
    }

    @Test
    void traceAgreesWithTheOfficialBf16TraceAndNamesTheFirstDisagreementWhenStricter() {
        Cli.Run r = Cli.run("trace", "--model", Cli.tinyModel(), "--ids", Cli.resource("golden/tiny_ids.pt"),
                "--reference", Cli.resource("golden/tiny_trace_bf16_cpu.pt"), "--device", "cpu");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("all 41 intermediates within relRMS 0.05"), r.out());

        r = Cli.run("trace", "--model", Cli.tinyModel(), "--ids", Cli.resource("golden/tiny_ids.pt"),
                "--reference", Cli.resource("golden/tiny_trace_bf16_cpu.pt"), "--tolerance", "1e-9");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.out().contains("first disagreement: blocks.0."), r.out());
    }
}
