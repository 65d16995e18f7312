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
