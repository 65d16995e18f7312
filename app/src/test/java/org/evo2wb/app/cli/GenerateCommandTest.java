package org.evo2wb.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.evo2wb.bio.SequenceRecord;
import org.evo2wb.engine.generate.Generation;
import org.evo2wb.engine.generate.GenerationRequest;
import org.evo2wb.engine.generate.GenerationWriters;
import org.evo2wb.engine.generate.Generator;
import org.evo2wb.engine.generate.SamplingSettings;
import org.evo2wb.engine.model.StripedHyena;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code evo2wb generate} with the tiny golden model, prompted with a region of a pPCP1 CDS record. */
class GenerateCommandTest {

    @TempDir
    static Path tmp;
    static Path input;
    static List<SequenceRecord> records;

    @BeforeAll
    static void input() throws Exception {
        records = Cli.cds().subList(0, 3);
        input = Cli.fasta(tmp.resolve("cds.fasta"), records, 400);
    }

    @Test
    void writesTheEnginesSamplesWithQcHeadersAndPrintsQc() throws Exception {
        Path out = tmp.resolve("out/samples.fasta");
        String id = records.get(1).id();
        Cli.Run r = Cli.run("generate", "--model", Cli.tinyModel(), "--prompt-file", input, "--record", id,
                "--region", "11-210", "--length", "80", "--samples", "2", "--temperature", "0.8", "--top-k", "3",
                "--seed", "11", "--out", out);
        assertEquals(0, r.exit(), r.toString());
        String prompt = records.get(1).sequence().substring(10, 210);
        Generation expected;
        try (StripedHyena m = Cli.loadTiny()) {
            expected = Generator.run(m, new GenerationRequest(id + "_11-210", prompt, 80, 2,
                    new SamplingSettings(0.8, 3, 1.0, 11)), (n, b) -> { }, () -> false);
        }
        StringWriter w = new StringWriter();
        GenerationWriters.fasta(w, expected);
        assertEquals(w.toString(), Files.readString(out));
        assertTrue(r.out().contains(id + "_11-210 (prompt)\t200\t"), r.out());
        assertTrue(r.out().contains(id + "_11-210_sample2\t80\t"), r.out());
    }

    @Test
    void badInputsAreNamedAndWriteNothing() throws Exception {
        Path out = tmp.resolve("never.fasta");
        Cli.Run r = Cli.run("generate", "--model", Cli.tinyModel(), "--prompt-file", input, "--record", "nope",
                "--length", "10", "--out", out);
        assertTrue(r.exit() != 0);
        assertTrue(r.err().contains("has no record 'nope'"), r.err());
        r = Cli.run("generate", "--model", Cli.tinyModel(), "--prompt", "ACGT", "--region", "3-9", "--length", "10",
                "--out", out);
        assertTrue(r.err().contains("region 3-9 does not lie within prompt (1-4)"), r.err());
        r = Cli.run("generate", "--model", Cli.tinyModel(), "--prompt", "ACGT", "--length", "10", "--top-k", "7",
                "--out", out);
        assertTrue(r.err().contains("top-k must be between 0 and 4"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void benchGenerateReportsEachPromptLength() {
        Cli.Run r = Cli.run("bench", "generate", "--model", Cli.tinyModel(), "--config", Cli.tinyConfig(), "--prompts",
                "16,200", "--length", "5", "--warmup", "1");
        assertEquals(0, r.exit(), r.toString());
        List<String> lines = r.out().lines().filter(l -> l.contains("bases/s")).toList();
        assertEquals(2, lines.size(), r.out());
        assertTrue(lines.get(0).contains("prompt 16 bases") && lines.get(0).contains("over 5 steps")
                && lines.get(0).contains("scripted step"), lines.get(0));
        assertTrue(lines.get(1).contains("prompt 200 bases"), lines.get(1));
    }
}
