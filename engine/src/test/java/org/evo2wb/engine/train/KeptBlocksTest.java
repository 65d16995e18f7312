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
    void offloadedInputsAreNoneOnTheCpuOrTheNumberSetWithinTheRecomputedBlocks() throws Exception {
        try (StripedHyena base = TinyModel.load()) {
            TrainableStripedHyena model = TrainableStripedHyena.prepare(base, settings());
            assertEquals(0, KeptBlocks.offloadedInputs(model, settings(), false, 0), "the CPU's memory is the host's");
            assertEquals("", KeptBlocks.describeOffloaded(0));
            System.setProperty(KeptBlocks.OFFLOAD_PROPERTY, "3");
            assertEquals(3, KeptBlocks.offloadedInputs(model, settings(), false, 2));
            assertEquals(", the inputs of the first 3 blocks wait in host memory", KeptBlocks.describeOffloaded(3));
            for (String bad : new String[] {"4", "-1", "all"}) {                // 5 blocks, 2 kept: 0 to 3
                System.setProperty(KeptBlocks.OFFLOAD_PROPERTY, bad);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> KeptBlocks.offloadedInputs(model, settings(), false, 2));
                assertTrue(e.getMessage().contains(KeptBlocks.OFFLOAD_PROPERTY) && e.getMessage().contains("0 to 3")
                        && e.getMessage().contains(bad), e.getMessage());
            }
        }
    }

    /**
     * The tiny model whose head runs out of memory when a block ran with gradients before it in the same pass (so
     * only when block graphs are kept).
     */
    private static final class OutOfMemoryWhenKept implements TrainableModel {

        private final TrainableStripedHyena inner;
        int refused;

        OutOfMemoryWhenKept(TrainableStripedHyena inner) {
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
        public TrainingMemoryEstimate memoryEstimate(FineTuneSettings s, ai.djl.Device device) {
            return inner.memoryEstimate(s, device);
        }

        @Override
        public Stages stages() {
            Stages st = inner.stages();
            boolean[] gradBlock = {false};
            return new Stages() {
                @Override
                public ai.djl.ndarray.NDArray embed(ai.djl.ndarray.NDArray tokens) {
                    gradBlock[0] = false;
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
                    gradBlock[0] |= org.evo2wb.engine.model.GradMode.isEnabled();
                    return st.block(i, x);
                }

                @Override
                public ai.djl.ndarray.NDArray head(ai.djl.ndarray.NDArray x) {
                    if (gradBlock[0]) {
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

    @Test
    void whenKeptGraphsRunOutOfMemoryInTheSettingsCheckTheRunRecomputesEveryBlockAndSaysSo(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        FineTuneSettings s = settings().toBuilder().set(FineTuneParameters.MAX_STEPS, 2)
                .set(FineTuneParameters.EVAL_EVERY, 2).build();
        java.util.List<String> notes = new java.util.ArrayList<>();
        java.util.List<StepMetrics> steps = new java.util.ArrayList<>();
        try (StripedHyena base = TinyModel.load()) {
            OutOfMemoryWhenKept model = new OutOfMemoryWhenKept(TrainableStripedHyena.prepare(base, s));
            assertTrue(KeptBlocks.choose(model, s, false) > 0, "the automatic choice keeps graphs here");
            org.evo2wb.engine.train.data.TrainingData data = org.evo2wb.engine.train.data.TrainingData.build(
                    java.util.List.of(Evo2FineTuneTest.FASTA), s, org.evo2wb.bio.ReadProgress.NONE);
            FineTuneTask task = FineTuneRun.newRun(tmp.resolve("run"), s).model(model,
                            Evo2FineTuneTest.tinyDescription())
                    .data(data.train(), data.validation(), data.manifest())
                    .listener(new TrainingListener() {
                        @Override
                        public void onStep(StepMetrics m) {
                            steps.add(m);
                        }

                        @Override
                        public void onNote(String note) {
                            notes.add(note);
                        }
                    }).build().task();
            task.run();
            assertEquals(org.evo2wb.engine.task.TaskStatus.FINISHED, task.status(), task.message());
            assertEquals(1, model.refused, "one refused pass, then every block recomputed");
        }
        assertEquals(2, steps.size());
        assertEquals(2, notes.size(), notes.toString());
        assertTrue(notes.get(0).contains("the last 5 keep their graphs") || notes.get(0).contains("all 5 keep"),
                notes.get(0));
        assertEquals("the settings check ran out of memory with the graphs of the last 5 of 5 blocks kept; "
                + "activation checkpointing recomputes every block instead", notes.get(1));

        // a number set by hand is not second-guessed: the run stops with the advice
        System.setProperty(KeptBlocks.PROPERTY, "2");
        try (StripedHyena base = TinyModel.load()) {
            OutOfMemoryWhenKept model = new OutOfMemoryWhenKept(TrainableStripedHyena.prepare(base, s));
            org.evo2wb.engine.train.data.TrainingData data = org.evo2wb.engine.train.data.TrainingData.build(
                    java.util.List.of(Evo2FineTuneTest.FASTA), s, org.evo2wb.bio.ReadProgress.NONE);
            FineTuneTask task = FineTuneRun.newRun(tmp.resolve("set"), s).model(model,
                            Evo2FineTuneTest.tinyDescription())
                    .data(data.train(), data.validation(), data.manifest()).build().task();
            task.run();
            assertEquals(org.evo2wb.engine.task.TaskStatus.FAILED, task.status());
            assertTrue(task.message().contains("out of memory") && task.message().contains(KeptBlocks.PROPERTY + "=0"),
                    task.message());
        }
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
        assertEquals("activation checkpointing recomputes 24 of 32 blocks (the last 8 keep their graphs)",
                KeptBlocks.describe(8, 32));
        assertEquals("activation checkpointing recomputes no block (all 32 keep their graphs)",
                KeptBlocks.describe(32, 32));
    }
}
