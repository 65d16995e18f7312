package org.evo2wb.app.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.nio.file.Files;
import java.util.List;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.load.DefaultModel;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.score.SelfTest;
import java.nio.file.Path;
import org.evo2wb.app.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled default model as the Models view lists it: found in one place, and its absence is not an error. */
class DefaultModelTest {

    @Test
    void theBundledModelLoadsAndPassesItsSelfTest() throws Exception {
        String before = System.getProperty(DefaultModel.PROPERTY);
        System.clearProperty(DefaultModel.PROPERTY);
        try {
            ModelSource s = ModelSource.bundled().orElseThrow();
            assertEquals(ModelSource.Kind.DEFAULT, s.kind());
            Evo2Config config = Evo2Config.load(s.config());
            assertEquals("SDH*SDH*", config.pattern());
            assertEquals(3_669_792L, config.parameterCount());
            try (StripedHyena m = StripedHyena.load(s.weights(), config, Device.cpu(), Precision.FP32)) {
                assertEquals(3_669_792L, m.parameterCount());
                List<SelfTest.Case> cases = SelfTest.read(s.selfTest());
                assertEquals(6, cases.size());
                SelfTest.Report r = SelfTest.run(m, cases, n -> { }, () -> false);
                assertTrue(r.passed(), r.summary());
                assertTrue(r.maxDeviation() < 1e-4, r.summary());
            }
        } finally {
            if (before != null) {
                System.setProperty(DefaultModel.PROPERTY, before);
            }
        }
    }

    @Test
    void notInstalledUntilItsFolderHoldsWeights(@TempDir Path dir) throws Exception {
        String before = System.getProperty(DefaultModel.PROPERTY);
        try {
            System.setProperty(DefaultModel.PROPERTY, dir.toString());
            assertTrue(ModelSource.bundled().isEmpty());

            Files.copy(TestData.tinyCheckpoint(), dir.resolve("model.pt"));
            Files.copy(TestData.tinyCheckpoint().resolveSibling("tiny.yml"), dir.resolve("config.yml"));
            Files.copy(TestData.tinyCheckpoint().resolveSibling("selftest.tsv"), dir.resolve("selftest.tsv"));
            ModelSource s = ModelSource.bundled().orElseThrow();
            assertEquals(ModelSource.Kind.DEFAULT, s.kind());
            assertEquals(dir.resolve("model.pt"), s.weights());
            assertEquals(dir.resolve("config.yml"), s.config());
            assertEquals(dir.resolve("selftest.tsv"), s.selfTest());
            ModelInspection i = ModelInspection.inspect(s, ModelInspection.ConfigChoice.AUTOMATIC);
            assertTrue(i.loadable(), i.problems().toString());
            assertEquals("config.yml next to the weights", i.configOrigin());
        } finally {
            if (before == null) {
                System.clearProperty(DefaultModel.PROPERTY);
            } else {
                System.setProperty(DefaultModel.PROPERTY, before);
            }
        }
    }

    @Test
    void shardsAndSiblingFilesAreFound(@TempDir Path dir) throws Exception {
        byte[] all = Files.readAllBytes(TestData.tinyCheckpoint());
        int cut = all.length / 3;
        Files.write(dir.resolve("m.pt.part0"), java.util.Arrays.copyOfRange(all, 0, cut));
        Files.write(dir.resolve("m.pt.part1"), java.util.Arrays.copyOfRange(all, cut, all.length));
        Files.copy(TestData.tinyCheckpoint().resolveSibling("tiny.yml"), dir.resolve("m.yml"));
        ModelSource s = ModelSource.fromCheckpoint(dir.resolve("m.pt.part0"));
        assertEquals(dir.resolve("m.yml"), s.config());
        assertEquals(null, s.selfTest());
        assertEquals(all.length, s.weightBytes());
        ModelInspection i = ModelInspection.inspect(s, ModelInspection.ConfigChoice.AUTOMATIC);
        assertTrue(i.loadable(), i.problems().toString());
        assertEquals(all.length, i.fileBytes());
    }
}
