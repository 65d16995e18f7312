package org.evo2wb.app.ui.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.util.List;
import org.evo2wb.app.models.AvailableDevices;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.train.parallel.TrainingMemoryEstimate;
import org.evo2wb.engine.train.settings.FineTuneSettings;
import org.junit.jupiter.api.Test;

/**
 * The Fine-tune view's memory line plans with the GPU the run will use: on a machine with an 80 GB GPU 0 (where the
 * model was loaded) and a 16 GB GPU 1, a run set to gpu:1 is compared with 16 GB, not 80.
 */
class MemoryLineTest {

    private static final long BIG = 80_000_000_000L;
    private static final long SMALL = 16_000_000_000L;
    private static final Evo2Config SEVEN_B = Evo2Config.preset("evo2-7b-8k");

    private static FineTuneSettings settings(String device) {
        return FineTuneSettings.builder(null).setText("device", device).setText("method", "lora")
                .setText("precision", "fp16").setText("window-length", "1024").setText("batch-size", "1").build();
    }

    private static AvailableDevices.Detection twoGpus(String problemOfGpu0) {
        return AvailableDevices.detection(AvailableDevices.cpu(), List.of(
                AvailableDevices.gpu(0, BIG, "90", problemOfGpu0, ""),
                AvailableDevices.gpu(1, SMALL, "89", "", "")), true);
    }

    @Test
    void aRunOnTheSecondGpuIsComparedWithThatGpusMemory() {
        FineTuneSettings s = settings("gpu:1");
        AvailableDevices.Detection found = twoGpus("");
        TrainingMemoryEstimate e = TrainingMemoryEstimate.of(SEVEN_B, s, Device.gpu(1));
        assertTrue(e.totalBytes() > TrainingMemoryEstimate.USABLE_SHARE * SMALL
                && e.totalBytes() < TrainingMemoryEstimate.USABLE_SHARE * BIG, e.describe());

        MemoryLine line = MemoryLine.of(SEVEN_B, s, found.devices().get(1), found);

        assertTrue(line.text().contains("The GPU has 16.0 GB."), line.text());
        assertFalse(line.text().contains("80.0 GB"), line.text());
        assertTrue(line.warning(), "the estimate exceeds 90 % of GPU 1's 16 GB");
        assertTrue(line.text().endsWith(TrainingMemoryEstimate.largestFitting(SEVEN_B, s, Device.gpu(1), SMALL)
                .describe()), line.text());
    }

    @Test
    void theFirstGpuIsComparedWithItsOwnMemory() {
        AvailableDevices.Detection found = twoGpus("");
        MemoryLine line = MemoryLine.of(SEVEN_B, settings("gpu:0"), found.devices().get(1), found);
        assertTrue(line.text().contains("The GPU has 80.0 GB."), line.text());
        assertFalse(line.warning(), line.text());
    }

    @Test
    void autoPassesOverAGpuThatFailedItsCheckAsTheRunWill() {
        AvailableDevices.Detection found = twoGpus("GPU 0 failed the start-up check: x");
        MemoryLine line = MemoryLine.of(SEVEN_B, settings("auto"), AvailableDevices.cpu(), found);
        assertTrue(line.text().contains("The GPU has 16.0 GB."), line.text());
        assertTrue(line.warning(), line.text());
    }

    @Test
    void aGpuThatIsNotThereIsNamed() {
        AvailableDevices.Detection found = twoGpus("");
        MemoryLine line = MemoryLine.of(SEVEN_B, settings("gpu:2"), found.devices().get(1), found);
        assertEquals("Memory: device gpu:2 asked for, but PyTorch sees 2 GPU(s); use --device cpu or auto",
                line.text());
        assertFalse(line.warning());
    }

    private static MemoryLine oneGpu(FineTuneSettings s, long bytes) {
        AvailableDevices.Option gpu = AvailableDevices.gpu(0, bytes, "89", "", "");
        return MemoryLine.of(SEVEN_B, s, gpu, AvailableDevices.detection(AvailableDevices.cpu(), List.of(gpu), true));
    }

    @Test
    void whereRebuiltSpectraAndBlockInputsInHostMemoryMakeItFitTheLineSaysSoInsteadOfWarning() {
        FineTuneSettings s = FineTuneSettings.builder(null).setText("device", "gpu:0").setText("method", "lora")
                .setText("precision", "fp16").setText("window-length", "8192").setText("batch-size", "1")
                .setText("activation-checkpointing", "true").build();
        TrainingMemoryEstimate e = TrainingMemoryEstimate.of(SEVEN_B, s, Device.gpu(0));
        long context = org.evo2wb.engine.hub.ModelNeeds.CUDA_CONTEXT;
        double usable = TrainingMemoryEstimate.USABLE_SHARE;
        long spectra = e.spectraBytes();
        long input = e.blockInputBytes();
        // a card half the kept spectra short: they are built in every pass instead, nothing else
        MemoryLine rebuilt = oneGpu(s, (long) ((e.totalBytes() - spectra / 2.0 + context) / usable));
        assertTrue(rebuilt.text().contains("It fits with the long filters' spectra (about "
                + TrainingMemoryEstimate.bytes(spectra) + ") built again in every pass instead of kept, which the run "
                + "does by itself."), rebuilt.text());
        assertFalse(rebuilt.warning(), rebuilt.text());
        // a card the spectra and 3.5 block inputs short (and the CUDA context): that many inputs, rounded up, wait in
        // host memory too
        long tight = (long) ((e.totalBytes() - spectra - 3.5 * input) / usable);
        int offloaded = (int) Math.ceil((3.5 * input + context) / input);
        assertEquals(new TrainingMemoryEstimate.Fitting(false, offloaded, true),
                e.fittingOn(tight, e.weightBytes() + context, true));
        MemoryLine line = oneGpu(s, tight);
        assertTrue(line.text().contains("built again in every pass instead of kept and the inputs of the first "
                + offloaded + " of 32 blocks waiting"), line.text());
        assertFalse(line.warning(), line.text());
        MemoryLine roomy = oneGpu(s, (long) ((e.totalBytes() + context) / usable) + 1_000_000);
        assertFalse(roomy.warning() || roomy.text().contains("It fits with"), roomy.text());
        MemoryLine tiny = oneGpu(s, SMALL);
        assertTrue(tiny.warning() && !tiny.text().contains("It fits with"), "16 GB: not even so; " + tiny.text());
    }

    @Test
    void onA24GbCardEvo27bLoraAt8192FitsByGivingUpSpectraAndSomeInputsAndLongerWindowsAreSentThere() {
        long card = 24_564L << 20;                            // what an RTX 4090 reports: 24,564 MiB
        FineTuneSettings.Builder b = FineTuneSettings.builder(null).setText("device", "gpu:0").setText("method",
                "lora").setText("precision", "fp16").setText("batch-size", "1").setText("activation-checkpointing",
                "true");
        MemoryLine at8192 = oneGpu(b.setText("window-length", "8192").build(), card);
        assertFalse(at8192.warning(), at8192.text());
        assertTrue(at8192.text().contains("It fits with the long filters' spectra"), at8192.text());
        MemoryLine at16384 = oneGpu(b.setText("window-length", "16384").build(), card);
        assertTrue(at16384.warning(), at16384.text());
        assertTrue(at16384.text().contains("Window 8,192 fits with activation checkpointing"), at16384.text());
    }

    @Test
    void withCheckpointingTheLineSaysHowManyBlocksKeepTheirGraphs() {
        AvailableDevices.Detection found = twoGpus("");
        FineTuneSettings s = FineTuneSettings.builder(null).setText("device", "gpu:0").setText("method", "lora")
                .setText("precision", "fp16").setText("window-length", "8192").setText("batch-size", "1")
                .setText("activation-checkpointing", "true").build();
        TrainingMemoryEstimate e = TrainingMemoryEstimate.of(SEVEN_B, s, Device.gpu(0));
        int kept = e.keptBlocksOn(BIG, e.weightBytes() + org.evo2wb.engine.hub.ModelNeeds.CUDA_CONTEXT);
        assertTrue(kept > 0 && kept < SEVEN_B.numLayers(), "an 80 GB card keeps some of 7B's 32 graphs at 8,192: "
                + kept);
        MemoryLine line = MemoryLine.of(SEVEN_B, s, found.devices().get(0), found);
        assertTrue(line.text().contains("the last " + kept + " of 32 blocks keep their graphs"), line.text());
        assertFalse(line.warning(), line.text());

        MemoryLine small = MemoryLine.of(SEVEN_B, s.toBuilder().setText("device", "gpu:1").build(),
                found.devices().get(1), found);
        assertFalse(small.text().contains("keep their graphs"), small.text());

        // the CPU: the computer's memory (16 GB here) less the application's
        AvailableDevices.Detection cpu = AvailableDevices.detection(
                new AvailableDevices.Option("CPU", Device.cpu(), 16_000_000_000L), List.of(), true);
        FineTuneSettings onCpu = s.toBuilder().setText("device", "cpu").setText("precision", "fp32")
                .setText("window-length", "4096").build();
        Evo2Config oneB = Evo2Config.preset("evo2-1b-8k");
        TrainingMemoryEstimate c = TrainingMemoryEstimate.of(oneB, onCpu, Device.cpu());
        int keptOnCpu = c.keptBlocksOn(16_000_000_000L, c.weightBytes() + 1_000_000_000L);
        assertTrue(keptOnCpu > 0 && keptOnCpu < 25, keptOnCpu + ": " + c.describe());
        MemoryLine cpuLine = MemoryLine.of(oneB, onCpu, cpu.devices().get(0), cpu);
        assertTrue(cpuLine.text().contains("up to the last " + keptOnCpu + " of 25 blocks keep"), cpuLine.text());
    }
}
