package org.evo2wb.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.evo2wb.app.models.AvailableDevices;
import org.evo2wb.engine.device.GpuCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code evo2wb devices}, the device and precision checks of the model options, and {@code bench parity}. */
class DevicesCommandTest {

    @TempDir
    Path tmp;

    @Test
    void listsTheCpuWithItsCheckAndPrecisions() {
        Cli.Run r = Cli.run("devices");
        assertEquals(0, r.exit(), r.toString());
        String[] lines = r.out().split("\\R");
        assertTrue(lines[0].startsWith("PyTorch 2.7.1 through DJL 0.36.0; CUDA: "), lines[0]);
        assertTrue(lines[1].startsWith("cpu     CPU (" + Runtime.getRuntime().availableProcessors() + " cores"),
                lines[1]);
        assertEquals("        check: passed", lines[2]);
        assertEquals("        precisions: fp32", lines[3]);
        assertTrue(lines[4].startsWith("        not available: TF32: TF32 is a GPU mode (NVIDIA Ampere and newer); "
                + "on the CPU fp32 is used. fp16: fp16 runs on a GPU only"), lines[4]);
    }

    @Test
    void aGpuThatFailedTheCheckShowsWhyAndAWorkingOneItsPrecisions() {
        String problem = GpuCheck.explain("GPU 1", "Cannot access data pointer of Tensor that doesn't have storage",
                false);
        AvailableDevices.Detection found = AvailableDevices.detection(new AvailableDevices.Option("CPU (8 cores, 64.0 GB)", ai.djl.Device.cpu(),
                64_000_000_000L), List.of(AvailableDevices.gpu(0, 79_600_000_000L, "90", "", ""),
                AvailableDevices.gpu(1, 79_600_000_000L, "90", problem, "")), true);
        String text = DevicesCommand.format(found, Map.of("TORCH_ALLOW_TF32_CUBLAS_OVERRIDE", "1"));
        String n = System.lineSeparator();
        assertEquals("cpu     CPU (8 cores, 64.0 GB)" + n
                + "        check: passed" + n
                + "        precisions: fp32" + n
                + "        not available: TF32: TF32 is a GPU mode (NVIDIA Ampere and newer); on the CPU fp32 is used. "
                + "fp16: fp16 runs on a GPU only: on the CPU its matrix products are several times slower than fp32, "
                + "so fp32 is used." + n
                + "gpu:0   GPU 0: compute 9.0, 79.6 GB" + n
                + "        check: passed" + n
                + "        precisions: TF32, fp16" + n
                + "        not available: fp32: this workbench was started with TF32 on (EVO2WB_TF32=1 or "
                + "TORCH_ALLOW_TF32_CUBLAS_OVERRIDE=1), so PyTorch computes every fp32 matrix product on the GPU in "
                + "TF32. Choose TF32, or start the workbench without it for fp32." + n
                + "gpu:1   GPU 1: compute 9.0, 79.6 GB" + n
                + "        check: FAILED. " + problem + n
                + problem + n, text);
    }

    @Test
    void aPrecisionTheDeviceCannotRunIsRefusedWithTheReason() {
        Cli.Run r = Cli.run("score", "--model", Cli.tinyModel(), "--input", Cli.resource("data/biopython_NC_005816"
                + ".ffn.gz"), "--per-base", tmp.resolve("x.tsv"), "--device", "cpu", "--precision", "fp16");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("evo2wb score: --precision fp16 on cpu(): fp16 runs on a GPU only"), r.err());

        r = Cli.run("bench", "forward", "--preset", "evo2-1b-8k", "--layers", "1", "--length", "32", "--device",
                "cpu", "--precision", "tf32");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("evo2wb bench forward: --precision tf32 on cpu(): TF32 is a GPU mode"),
                r.err());

        r = Cli.run("score", "--model", Cli.tinyModel(), "--input", Cli.resource("data/biopython_NC_005816.ffn.gz"),
                "--per-base", tmp.resolve("x.tsv"), "--device", "gpu:3");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("evo2wb score: device gpu:3 asked for, but PyTorch sees "), r.err());
    }

    @Test
    void benchParityPrintsTheFp16SpreadOverRealDna() throws Exception {
        Path fasta = Cli.fasta(tmp.resolve("cds.fasta"), Cli.cds(), 600);
        Cli.Run r = Cli.run("bench", "parity", "--precision", "fp16", "--device", "cpu", "--model", Cli.tinyModel(),
                "--input", fasta, "--length", "256", "--max-bases", "1024");
        assertEquals(0, r.exit(), r.toString());
        // records of 1,023 and 783 bases cut to 600: stretches of 256, 256 and 88, then 256 and 168 (1,024 bases in
        // all); the first base of each stretch has no score
        Matcher m = Pattern.compile("tiny.pt over 5 stretches of up to 256 bases, fp16 on cpu\\(\\) against fp32 on "
                + "the CPU: per-base log-prob \\|Δ\\| mean (\\S+), max (\\S+) nats over 1,019 bases\\R")
                .matcher(r.out());
        assertTrue(m.matches(), r.out());
        double mean = Double.parseDouble(m.group(1));
        double max = Double.parseDouble(m.group(2));
        assertTrue(mean > 1e-4 && mean <= 0.05 && max >= mean && max <= 0.3, r.out());

        // random weights of a preset's shapes, the same in both precisions (its first block here)
        r = Cli.run("bench", "parity", "--precision", "fp16", "--device", "cpu", "--preset", "evo2-1b-8k",
                "--layers", "1", "--input", fasta, "--length", "64", "--max-bases", "128");
        assertEquals(0, r.exit(), r.toString());
        m = Pattern.compile("evo2-1b-8k \\(random weights, first 1 blocks\\) over 2 stretches of up to 64 bases, fp16 "
                + "on cpu\\(\\) against fp32 on the CPU: per-base log-prob \\|Δ\\| mean (\\S+), max (\\S+) nats over "
                + "126 bases\\R").matcher(r.out());
        assertTrue(m.matches(), r.out());
        double presetMean = Double.parseDouble(m.group(1));
        assertTrue(presetMean > 0 && presetMean <= Double.parseDouble(m.group(2))
                && Double.parseDouble(m.group(2)) < 1, r.out());
        r = Cli.run("bench", "parity", "--device", "cpu", "--preset", "evo2-1b-8k", "--model", Cli.tinyModel(),
                "--input", fasta);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("evo2wb bench parity: --preset: not with --model"), r.err());
        r = Cli.run("bench", "parity", "--device", "cpu", "--layers", "2", "--input", fasta);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("evo2wb bench parity: --layers: only with --preset"), r.err());

        r = Cli.run("bench", "parity", "--device", "cpu");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("evo2wb bench parity: name --golden FOLDER, --input FILE..., or both"), r.err());
    }
}
