package org.evo2wb.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.evo2wb.engine.bionemo.BioNeMoJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code evo2wb finetune --export-bionemo}: the same options as a local run write a BioNeMo job instead. */
class FinetuneExportBioNeMoTest {

    @TempDir
    Path tmp;

    @Test
    void theSameOptionsAsALocalRunWriteTheJob() throws Exception {
        Path train = Cli.fasta(tmp.resolve("train.fasta"), Cli.cds().subList(0, 8), 400);
        Path val = Cli.fasta(tmp.resolve("val.fasta"), Cli.cds().subList(8, 10), 200);
        // the tiny golden weights, named as the 1B model by their config: weights of our own of a released shape
        Path config = tmp.resolve("tiny-as-1b.yml");
        Files.writeString(config, Files.readString(Cli.tinyConfig()).replace("model_name: tiny-evo2",
                "model_name: evo2-1b-8k"));
        Path job = tmp.resolve("job");
        Cli.Run r = Cli.run("finetune", "--model", Cli.tinyModel(), "--config", config, "--train", train, "--val", val,
                "--export-bionemo", job, "--window", "64", "--batch", "2", "--rank", "4", "--steps", "6",
                "--warmup-steps", "1", "--eval-every", "3", "--seed", "7");
        assertEquals(0, r.exit(), r.toString());
        // the same counts the local run of FinetuneCommandTest reports for these files and window
        assertTrue(r.out().startsWith("BioNeMo job written to " + job + ": 52 training windows (3,276 bases), 8 "
                + "validation windows"), r.out());
        assertTrue(r.out().contains("model evo2_1b_base"), r.out());
        String launch = Files.readString(job.resolve(BioNeMoJob.LAUNCH));
        assertTrue(launch.contains("--lora-dim '4'") && launch.contains("--max-steps '6'")
                && launch.contains("--seq-length '64'") && launch.contains("--eval-interval '3'"), launch);
        assertTrue(Files.readString(job.resolve(BioNeMoJob.PREPARE)).contains("VORTEX_TO_MBRIDGE"));
        assertEquals(52, Files.readAllLines(job.resolve(BioNeMoJob.TRAIN_FASTA)).stream()
                .filter(l -> l.startsWith(">")).count());
        try (var s = Files.list(tmp)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().contains(".partial-")), "no temporary left");
        }
    }

    @Test
    void aModelTheRecipeCannotTrainAndARunFolderAreRefusedClearly() throws Exception {
        Path train = Cli.fasta(tmp.resolve("train.fasta"), Cli.cds().subList(0, 8), 400);
        Cli.Run r = Cli.run("finetune", "--model", Cli.tinyModel(), "--train", train, "--export-bionemo",
                tmp.resolve("job"), "--window", "64");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("--model: ") && r.err().contains("trains the released Evo 2 models only"),
                r.err());
        assertFalse(Files.exists(tmp.resolve("job")));
        r = Cli.run("finetune", "--model", Cli.tinyModel(), "--train", train, "--export-bionemo", tmp.resolve("job"),
                "--run-dir", tmp.resolve("run"));
        assertEquals(2, r.exit(), r.toString());
        assertTrue(List.of(r.err().split("\n")).contains("  --run-dir: --export-bionemo writes a job instead of "
                + "running here; leave --run-dir out"), r.err());
        // a record selection is refused rather than silently exporting every record of the files
        r = Cli.run("finetune", "--model", Cli.tinyModel(), "--train", train, "--export-bionemo", tmp.resolve("job"),
                "--feature-type", "CDS");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("--export-bionemo: the job takes whole --train and --val files"), r.err());
        assertFalse(Files.exists(tmp.resolve("job")));
    }
}
