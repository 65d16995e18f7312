package org.evo2wb.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.evo2wb.engine.lora.TinyModel;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.train.parallel.TrainingMemoryEstimate;
import org.evo2wb.engine.train.settings.FineTuneMethod;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.FineTuneSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How many blocks keep their graphs under activation checkpointing: set by hand, or from the memory left. */
class KeptBlocksTest {

    @AfterEach
    void clear() {
        System.clearProperty(KeptBlocks.PROPERTY);
        System.clearProperty(KeptBlocks.OFFLOAD_PROPERTY);
    }

    private static FineTuneSettings settings() {
        return Evo2FineTuneTest.settings(FineTuneMethod.LORA).set(FineTuneParameters.ACTIVATION_CHECKPOINTING, true)
                .build();
    }

    @Test
    void aNumberSetByHandIsTakenAndOneOutsideTheStackIsRefusedByName() throws Exception {
        try (StripedHyena base = TinyModel.load()) {
            TrainableStripedHyena model = TrainableStripedHyena.prepare(base, settings());
            System.setProperty(KeptBlocks.PROPERTY, "3");
            assertEquals(3, KeptBlocks.choose(model, settings(), false));
            System.setProperty(KeptBlocks.PROPERTY, "0");
            assertEquals(0, KeptBlocks.choose(model, settings(), false));
            for (String bad : new String[] {"6", "-1", "many"}) {
                System.setProperty(KeptBlocks.PROPERTY, bad);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> KeptBlocks.choose(model, settings(), false));
                assertTrue(e.getMessage().contains(KeptBlocks.PROPERTY) && e.getMessage().contains("0 to 5")
                        && e.getMessage().contains(bad), e.getMessage());
            }
        }
    }

    @Test
    void nothingIsGivenUpWhereItFitsAndTheInputsSetByHandAreTakenWithinTheRecomputedBlocks() throws Exception {
        try (StripedHyena base = TinyModel.load()) {
            TrainableStripedHyena model = TrainableStripedHyena.prepare(base, settings());
            TrainingMemoryEstimate.Fitting nothing = new TrainingMemoryEstimate.Fitting(true, 0, true);
            assertEquals(nothing, KeptBlocks.fitting(model, settings(), false, 0), "it fits this computer");
            assertEquals(nothing, KeptBlocks.fitting(model, settings(), true, 0), "shared between devices");
            assertEquals("", KeptBlocks.describe(nothing));
            System.setProperty(KeptBlocks.OFFLOAD_PROPERTY, "3");
            assertEquals(new TrainingMemoryEstimate.Fitting(true, 3, true),
                    KeptBlocks.fitting(model, settings(), false, 2));
            assertEquals(", the inputs of the first 3 blocks wait in host memory",
                    KeptBlocks.describe(new TrainingMemoryEstimate.Fitting(true, 3, true)));
            assertEquals(", the long filters' spectra are built in every pass instead of kept, the input of the "
                    + "first block waits in host memory",
                    KeptBlocks.describe(new TrainingMemoryEstimate.Fitting(false, 1, true)));
            for (String bad : new String[] {"4", "-1", "all"}) {                // 5 blocks, 2 kept: 0 to 3
                System.setProperty(KeptBlocks.OFFLOAD_PROPERTY, bad);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> KeptBlocks.fitting(model, settings(), false, 2));
                assertTrue(e.getMessage().contains(KeptBlocks.OFFLOAD_PROPERTY) && e.getMessage().contains("0 to 3")
                        && e.getMessage().contains(bad), e.getMessage());
            }
        }
    }

    /** The tiny model as the loop sees it, every call passed on; the tests below change one thing each. */
    private static class Wrapped implements TrainableModel {

        final TrainableStripedHyena inner;

        Wrapped(TrainableStripedHyena inner) {
            this.inner = inner;
        }

        @Override
        public ai.djl.ndarray.NDArray logits(ai.djl.ndarray.NDArray tokens) {
            return inner.logits(tokens);
        }

        @Override
        public java.util.Map<String, ai.djl.ndarray.NDArray> parameters() {
            return inner.parameters();
        }

        @Override
        public ai.djl.ndarray.NDManager manager() {
            return inner.manager();
        }

        @Override
        public void setTraining(boolean training) {
            inner.setTraining(training);
        }

        @Override
        public void afterUpdate() {
            inner.afterUpdate();
        }

        @Override
        public void keepCaches(boolean on) {
            inner.keepCaches(on);
        }

        @Override
        public TrainingMemoryEstimate memoryEstimate(FineTuneSettings s, ai.djl.Device device) {
            return inner.memoryEstimate(s, device);
        }

        @Override
        public Stages stages() {
            return inner.stages();
        }
    }

    /**
     * The tiny model whose head runs out of memory when more than {@code graphsThatFit} blocks ran with gradients
     * before it in the same pass (so only when block graphs are kept).
     */
    private static final class OutOfMemoryWhenKept extends Wrapped {

        int refused;
        int graphsThatFit;
        boolean alsoWithSpectraKept;    // and while the hcl filter keeps its spectrum

        OutOfMemoryWhenKept(TrainableStripedHyena inner) {
            super(inner);
        }

        private boolean spectrumKept() {
            return inner.model().blocks().stream().anyMatch(b -> b instanceof org.evo2wb.engine.model.HyenaLongImplicit h
                    && h.keptSpectrumLength() >= 0);
        }

        @Override
        public Stages stages() {
            Stages st = inner.stages();
            int[] gradBlocks = {0};
            return new Stages() {
                @Override
                public ai.djl.ndarray.NDArray embed(ai.djl.ndarray.NDArray tokens) {
                    gradBlocks[0] = 0;
                    return st.embed(tokens);
                }

                @Override
                public boolean embeddingTrains() {
                    return st.embeddingTrains();
                }

                @Override
                public int blocks() {
                    return st.blocks();
                }

                @Override
                public ai.djl.ndarray.NDArray block(int i, ai.djl.ndarray.NDArray x) {
                    gradBlocks[0] += org.evo2wb.engine.model.GradMode.isEnabled() ? 1 : 0;
                    return st.block(i, x);
                }

                @Override
                public ai.djl.ndarray.NDArray head(ai.djl.ndarray.NDArray x) {
                    if (gradBlocks[0] > graphsThatFit || alsoWithSpectraKept && spectrumKept()) {
                        refused++;
                        throw new ai.djl.engine.EngineException("CUDA out of memory. Tried to allocate 2.00 GiB");
                    }
                    return st.head(x);
                }

                @Override
                public void requireFinite(java.util.List<ai.djl.ndarray.NDArray> blockOutputs) {
                    st.requireFinite(blockOutputs);
                }
            };
        }
    }

    /** A listener that collects the run's notes. */
    private static TrainingListener notesTo(java.util.List<String> notes) {
        return new TrainingListener() {
            @Override
            public void onNote(String note) {
                notes.add(note);
            }
        };
    }

    /** A run on the tests' FASTA of {@code model} in {@code dir}, reporting to {@code listener}. */
    private static FineTuneTask runOf(TrainableModel model, FineTuneSettings s, java.nio.file.Path dir,
                                      TrainingListener listener) throws Exception {
        org.evo2wb.engine.train.data.TrainingData data = org.evo2wb.engine.train.data.TrainingData.build(
                java.util.List.of(Evo2FineTuneTest.FASTA), s, org.evo2wb.bio.ReadProgress.NONE);
        return FineTuneRun.newRun(dir, s).model(model, Evo2FineTuneTest.tinyDescription())
                .data(data.train(), data.validation(), data.manifest()).listener(listener).build().task();
    }

    @Test
    void whenKeptGraphsRunOutOfMemoryInTheSettingsCheckTheRunRecomputesEveryBlockAndSaysSo(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        FineTuneSettings s = settings().toBuilder().set(FineTuneParameters.MAX_STEPS, 2)
                .set(FineTuneParameters.EVAL_EVERY, 2).build();
        java.util.List<String> notes = new java.util.ArrayList<>();
        java.util.List<StepMetrics> steps = new java.util.ArrayList<>();
        try (StripedHyena base = TinyModel.load()) {
            OutOfMemoryWhenKept model = new OutOfMemoryWhenKept(TrainableStripedHyena.prepare(base, s));
            model.graphsThatFit = 2;
            assertEquals(5, KeptBlocks.choose(model, s, false), "the automatic choice keeps all graphs here");
            FineTuneTask task = runOf(model, s, tmp.resolve("run"), new TrainingListener() {
                @Override
                public void onStep(StepMetrics m) {
                    steps.add(m);
                }

                @Override
                public void onNote(String note) {
                    notes.add(note);
                }
            });
            task.run();
            assertEquals(org.evo2wb.engine.task.TaskStatus.FINISHED, task.status(), task.message());
            assertEquals(2, model.refused, "5 and 3 graphs refused, then 2 kept");
        }
        assertEquals(2, steps.size());
        assertEquals(3, notes.size(), notes.toString());
        assertTrue(notes.get(0).contains("all 5 keep"), notes.get(0));
        assertEquals("the settings check ran out of memory with the graphs of the last 5 of 5 blocks kept; "
                + "activation checkpointing recomputes 2 of 5 blocks (the last 3 keep their graphs) instead",
                notes.get(1));
        assertEquals("the settings check ran out of memory with the graphs of the last 3 of 5 blocks kept; "
                + "activation checkpointing recomputes 3 of 5 blocks (the last 2 keep their graphs) instead",
                notes.get(2));

        // running out of memory with every block recomputed too, the run builds the filters' spectra in every pass
        notes.clear();
        try (StripedHyena base = TinyModel.load()) {
            OutOfMemoryWhenKept model = new OutOfMemoryWhenKept(TrainableStripedHyena.prepare(base, s));
            model.alsoWithSpectraKept = true;
            FineTuneTask task = runOf(model, s, tmp.resolve("spectra"), notesTo(notes));
            task.run();
            assertEquals(org.evo2wb.engine.task.TaskStatus.FINISHED, task.status(), task.message());
            assertEquals(5, model.refused, "5, 3, 2 and 1 graphs kept, then the spectra kept");
        }
        TrainingMemoryEstimate e = TrainingMemoryEstimate.of(Evo2Config.load(TinyModel.resource("golden/tiny.yml")),
                s);
        assertEquals("activation checkpointing recomputes no block (all 5 keep their graphs); about "
                + TrainingMemoryEstimate.bytes(e.totalBytes() + e.keptBytes(5)) + " for a step by the estimate",
                notes.get(0));
        assertEquals(java.util.List.of(notes.get(0),
                "the settings check ran out of memory with the graphs of the last 5 of 5 blocks kept; activation "
                        + "checkpointing recomputes 2 of 5 blocks (the last 3 keep their graphs) instead",
                "the settings check ran out of memory with the graphs of the last 3 of 5 blocks kept; activation "
                        + "checkpointing recomputes 3 of 5 blocks (the last 2 keep their graphs) instead",
                "the settings check ran out of memory with the graphs of the last 2 of 5 blocks kept; activation "
                        + "checkpointing recomputes 4 of 5 blocks (the last keeps its graph) instead",
                "the settings check ran out of memory with the graphs of the last 1 of 5 blocks kept; activation "
                        + "checkpointing recomputes every block instead",
                "the settings check ran out of memory (activation checkpointing recomputes every block); now "
                        + "the long filters' spectra are built in every pass instead of kept"), notes);

        // full fine-tuning trains the filters, which keep no spectrum: once no graph is kept nothing is left to give
        // up on the CPU, and the run stops with the advice
        notes.clear();
        FineTuneSettings full = s.toBuilder().set(FineTuneParameters.METHOD, FineTuneMethod.FULL).build();
        try (StripedHyena base = TinyModel.load()) {
            OutOfMemoryWhenKept model = new OutOfMemoryWhenKept(TrainableStripedHyena.prepare(base, full));
            model.graphsThatFit = -1;                                   // out of memory whatever is kept
            FineTuneTask task = runOf(model, full, tmp.resolve("full"), notesTo(notes));
            task.run();
            assertEquals(org.evo2wb.engine.task.TaskStatus.FAILED, task.status());
            assertEquals(5, model.refused, "5, 3, 2, 1 and no graphs kept");
            assertTrue(task.message().contains("out of memory"), task.message());
        }
        assertEquals(5, notes.size(), notes.toString());
        assertTrue(notes.stream().noneMatch(n -> n.contains("spectra")), notes.toString());

        // a number set by hand is not second-guessed: the run stops with the advice
        System.setProperty(KeptBlocks.PROPERTY, "2");
        try (StripedHyena base = TinyModel.load()) {
            OutOfMemoryWhenKept model = new OutOfMemoryWhenKept(TrainableStripedHyena.prepare(base, s));
            FineTuneTask task = runOf(model, s, tmp.resolve("set"), new TrainingListener() { });
            task.run();
            assertEquals(org.evo2wb.engine.task.TaskStatus.FAILED, task.status());
            assertTrue(task.message().contains("out of memory") && task.message().contains(KeptBlocks.PROPERTY + "=0"),
                    task.message());
        }
    }

    /**
     * The tiny model whose estimate says that a step needs all of this computer's memory, unless the filters'
     * spectra are built in every pass (which then frees more than enough).
     */
    private static final class ShortOfMemory extends Wrapped {

        ShortOfMemory(TrainableStripedHyena inner) {
            super(inner);
        }

        @Override
        public TrainingMemoryEstimate memoryEstimate(FineTuneSettings s, ai.djl.Device device) {
            TrainingMemoryEstimate e = inner.memoryEstimate(s, device);
            long all = KeptBlocks.hostMemory()[0];
            return new TrainingMemoryEstimate(e.parameters(), e.trainableParameters(), e.weightBytes(),
                    e.gradientBytes(), e.optimizerBytes(), all, e.workingBytes(), e.blockGraphBytes(),
                    e.blockInputBytes(), all);
        }
    }

    @Test
    void aRunShortOfMemoryBuildsTheFilterSpectraInEveryPassWithTheSameLossesAndKeepsThemAgainAfterwards(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(KeptBlocks.hostMemory() != null, "no /proc/meminfo here");
        FineTuneSettings s = settings().toBuilder().set(FineTuneParameters.MAX_STEPS, 3)
                .set(FineTuneParameters.EVAL_EVERY, 3).set(FineTuneParameters.LORA_DROPOUT, 0.0).build();
        java.util.List<Double> roomy = new java.util.ArrayList<>();
        java.util.List<Double> tight = new java.util.ArrayList<>();
        java.util.List<String> notes = new java.util.ArrayList<>();
        for (boolean shortOfMemory : new boolean[] {false, true}) {
            try (StripedHyena base = TinyModel.load()) {
                org.evo2wb.engine.model.HyenaLongImplicit hcl = base.blocks().stream()
                        .filter(b -> b instanceof org.evo2wb.engine.model.HyenaLongImplicit)
                        .map(b -> (org.evo2wb.engine.model.HyenaLongImplicit) b).findFirst().orElseThrow();
                TrainableStripedHyena inner = TrainableStripedHyena.prepare(base, s);
                TrainableModel model = shortOfMemory ? new ShortOfMemory(inner) : new Wrapped(inner);
                java.util.List<Long> keptDuringSteps = new java.util.ArrayList<>();
                FineTuneTask task = runOf(model, s, tmp.resolve("run" + shortOfMemory), new TrainingListener() {
                    @Override
                    public void onStep(StepMetrics m) {
                        (shortOfMemory ? tight : roomy).add(m.trainLoss());
                        keptDuringSteps.add(hcl.keptSpectrumLength());
                    }

                    @Override
                    public void onNote(String note) {
                        if (shortOfMemory) {
                            notes.add(note);
                        }
                    }
                });
                task.run();
                assertEquals(org.evo2wb.engine.task.TaskStatus.FINISHED, task.status(), task.message());
                assertEquals(3, keptDuringSteps.size());
                assertTrue(keptDuringSteps.stream().allMatch(len -> shortOfMemory ? len == -1 : len > 0),
                        "the spectrum kept after each step: " + keptDuringSteps);
                try (ai.djl.ndarray.NDManager m = base.manager().newSubManager()) {
                    base.infer(m.create(new long[] {1, 2, 3, 4, 1, 2, 3, 4}, new ai.djl.ndarray.types.Shape(1, 8)))
                            .close();
                }
                assertEquals(8, hcl.keptSpectrumLength(), "kept again once the run is over");
            }
        }
        assertEquals(roomy, tight, "the same losses with the spectra built in every pass");
        assertTrue(notes.get(0).startsWith("activation checkpointing recomputes every block, the long filters' "
                + "spectra are built in every pass instead of kept; about "), notes.get(0));
    }

    @Test
    void automaticallyTheCpuKeepsWhatTheComputersAvailableMemoryHolds() throws Exception {
        long[] mem = KeptBlocks.hostMemory();
        org.junit.jupiter.api.Assumptions.assumeTrue(mem != null, "no /proc/meminfo here");
        assertTrue(mem[0] > 0 && mem[1] >= 0 && mem[1] <= mem[0], mem[0] + " / " + mem[1]);
        try (StripedHyena base = TinyModel.load()) {
            TrainableStripedHyena model = TrainableStripedHyena.prepare(base, settings());
            Evo2Config c = Evo2Config.load(TinyModel.resource("golden/tiny.yml"));
            TrainingMemoryEstimate e = TrainingMemoryEstimate.of(c, settings());
            int kept = KeptBlocks.choose(model, settings(), false);
            long[] now = KeptBlocks.hostMemory();
            // the choice is the estimate's for the memory free when it was made (which moves a little meanwhile)
            int expected = e.keptBlocksOn(now[0], now[1]);
            assertTrue(Math.abs(kept - expected) <= 1, kept + " vs " + expected);
            assertEquals(0, KeptBlocks.choose(model, settings(), true), "a shared batch keeps none");
        }
        assertEquals("activation checkpointing recomputes every block", KeptBlocks.describe(0, 32));
        assertEquals("activation checkpointing recomputes 31 of 32 blocks (the last keeps its graph)",
                KeptBlocks.describe(1, 32));
        assertEquals("activation checkpointing recomputes 24 of 32 blocks (the last 8 keep their graphs)",
                KeptBlocks.describe(8, 32));
        assertEquals("activation checkpointing recomputes no block (all 32 keep their graphs)",
                KeptBlocks.describe(32, 32));
    }
}
