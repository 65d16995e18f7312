package org.evo2wb.engine.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.evo2wb.engine.config.Evo2Config;
import org.evo2wb.engine.config.Evo2ConfigJson;
import org.evo2wb.engine.lora.TinyModel;
import org.evo2wb.engine.train.run.ModelDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSpecTest {

    @TempDir
    Path tmp;

    @Test
    void findsTheConfigNextToTheWeightsOrAsGiven() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("m"));
        Path weights = Files.copy(TinyModel.resource("golden/tiny.pt"), dir.resolve("tiny.pt"));
        Files.copy(TinyModel.resource("golden/tiny.yml"), dir.resolve("tiny.yml"));
        ModelSpec.Resolved r = new ModelSpec(weights.toString(), null, null).resolve();
        assertEquals(ModelSpec.Kind.FILE, r.kind());
        assertEquals("tiny.yml next to the weights", r.configOrigin());
        assertEquals(64, r.config().hiddenSize());
        assertEquals(8192, r.contextLength());
        assertNull(r.runFolder());

        Path elsewhere = Files.copy(weights, tmp.resolve("alone.pt"));
        IOException e = assertThrows(IOException.class, () -> new ModelSpec(elsewhere.toString(), null, null).resolve());
        assertTrue(e.getMessage().contains("no config next to the weights (alone.yml or config.yml) and the tensor "
                + "shapes fit no bundled preset"), e.getMessage());
        ModelSpec.Resolved given = new ModelSpec(elsewhere.toString(), dir.resolve("tiny.yml").toString(), null)
                .resolve();
        assertEquals("tiny.yml", given.configOrigin());
        ModelSpec.Resolved preset = new ModelSpec(elsewhere.toString(), "evo2-7b-8k", null).resolve();
        assertEquals("preset evo2-7b-8k", preset.configOrigin());

        e = assertThrows(IOException.class, () -> new ModelSpec(tmp.resolve("missing.pt").toString(), null, null)
                .resolve());
        assertEquals(tmp.resolve("missing.pt") + ": no such file or folder", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ModelSpec(weights.toString(), null, "evo2-9b")
                .resolve());
        e = assertThrows(IOException.class, () -> new ModelSpec(tmp.toString(), null, null).resolve());
        assertTrue(e.getMessage().contains("a folder without run.json"), e.getMessage());
    }

    @Test
    void theDefaultModelComesFromTheFolderTheSystemPropertyNames() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("default"));
        Files.copy(TinyModel.resource("golden/tiny.pt"), dir.resolve("model.pt"));
        Files.copy(TinyModel.resource("golden/tiny.yml"), dir.resolve("config.yml"));
        String saved = System.getProperty(ModelSpec.DEFAULT_PROPERTY);
        System.setProperty(ModelSpec.DEFAULT_PROPERTY, dir.toString());
        try {
            ModelSpec.Resolved r = new ModelSpec("default", null, null).resolve();
            assertEquals(ModelSpec.Kind.DEFAULT, r.kind());
            assertEquals(dir.resolve("model.pt"), r.weights());
            assertEquals("config.yml next to the weights", r.configOrigin());
        } finally {
            if (saved == null) {
                System.clearProperty(ModelSpec.DEFAULT_PROPERTY);
            } else {
                System.setProperty(ModelSpec.DEFAULT_PROPERTY, saved);
            }
        }
    }

    @Test
    void configsSurviveTheirJsonFormInARunRecord() throws Exception {
        Evo2Config tiny = Evo2Config.load(TinyModel.resource("golden/tiny.yml"));
        Evo2Config back = Evo2ConfigJson.fromJson(ModelDescription.configJson(tiny), "run.json");
        assertEquals(tiny, back);
        Evo2Config big = Evo2Config.preset("evo2-7b-1m");
        assertEquals(big, Evo2ConfigJson.fromJson(ModelDescription.configJson(big), "run.json"));
    }
}
