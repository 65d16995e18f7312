package org.evo2wb.engine.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.model.Evo2ConfigJson;
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
        ModelSpec.Resolved r = new ModelSpec(weights.toString(), null).resolve();
        assertEquals(ModelSpec.Kind.FILE, r.kind());
        assertEquals("tiny.yml next to the weights", r.configOrigin());
        assertEquals(64, r.config().hiddenSize());
        assertEquals(8192, r.contextLength());
        assertNull(r.runFolder());

        Path elsewhere = Files.copy(weights, tmp.resolve("alone.pt"));
        IOException e = assertThrows(IOException.class, () -> new ModelSpec(elsewhere.toString(), null).resolve());
        assertTrue(e.getMessage().contains("no config next to the weights (alone.yml or config.yml) and the tensor "
                + "shapes fit no bundled preset"), e.getMessage());
        ModelSpec.Resolved given = new ModelSpec(elsewhere.toString(), dir.resolve("tiny.yml").toString())
                .resolve();
        assertEquals("tiny.yml", given.configOrigin());
        ModelSpec.Resolved preset = new ModelSpec(elsewhere.toString(), "evo2-7b-8k").resolve();
        assertEquals("preset evo2-7b-8k", preset.configOrigin());

        e = assertThrows(IOException.class, () -> new ModelSpec(tmp.resolve("missing.pt").toString(), null)
                .resolve());
        assertEquals(tmp.resolve("missing.pt") + ": no such file or folder", e.getMessage());
        e = assertThrows(IOException.class, () -> new ModelSpec(weights.toString(), "evo2-9b").resolve());
        assertTrue(e.getMessage().startsWith("evo2-9b: no such config file, and not a bundled preset"), e.getMessage());
        e = assertThrows(IOException.class, () -> new ModelSpec(tmp.toString(), null).resolve());
        assertTrue(e.getMessage().contains("a folder without run.json"), e.getMessage());
    }

    @Test
    void theDefaultModelComesFromTheFolderTheSystemPropertyNames() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("default"));
        String saved = System.getProperty(DefaultModel.PROPERTY);
        System.setProperty(DefaultModel.PROPERTY, dir.toString());
        try {
            assertTrue(DefaultModel.find().isEmpty());
            IOException e = assertThrows(IOException.class, () -> new ModelSpec("default", null).resolve());
            assertEquals("the bundled default model is not installed: the folder " + dir + " named by the system "
                    + "property evo2wb.defaultModel holds no model.safetensors or model.pt; name a checkpoint file",
                    e.getMessage());

            Files.copy(TinyModel.resource("golden/tiny.pt"), dir.resolve("model.pt"));
            Files.copy(TinyModel.resource("golden/tiny.yml"), dir.resolve("config.yml"));
            DefaultModel.Contents found = DefaultModel.find().orElseThrow();
            assertEquals(dir.resolve("model.pt"), found.weights());
            assertEquals(dir.resolve("config.yml"), found.config());
            assertNull(found.selfTest());
            ModelSpec.Resolved r = new ModelSpec("default", null).resolve();
            assertEquals(ModelSpec.Kind.DEFAULT, r.kind());
            assertEquals(dir.resolve("model.pt"), r.weights());
            assertEquals("config.yml next to the weights", r.configOrigin());
            assertTrue(r.selfTest().isEmpty());

            Files.writeString(dir.resolve("selftest.tsv"), "# expectations\n");
            assertEquals(dir.resolve("selftest.tsv"), DefaultModel.find().orElseThrow().selfTest());
            assertEquals(dir.resolve("selftest.tsv"), new ModelSpec("default", null).resolve().selfTest()
                    .orElseThrow());
        } finally {
            if (saved == null) {
                System.clearProperty(DefaultModel.PROPERTY);
            } else {
                System.setProperty(DefaultModel.PROPERTY, saved);
            }
        }
    }

    @Test
    void filesNextToTheWeightsFollowOneRule() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("siblings"));
        Path shard = Files.writeString(dir.resolve("m.pt.part0"), "x");
        assertEquals("m", ModelFiles.stem("m.pt.part0"));
        assertEquals("m", ModelFiles.stem("m.safetensors"));
        assertEquals("m.v2", ModelFiles.stem("m.v2.pt"));
        assertTrue(ModelFiles.configNextTo(shard).isEmpty());
        Files.writeString(dir.resolve("config.yml"), "");
        assertEquals(dir.resolve("config.yml"), ModelFiles.configNextTo(shard).orElseThrow());
        Files.writeString(dir.resolve("m.yaml"), "");
        assertEquals(dir.resolve("m.yaml"), ModelFiles.configNextTo(shard).orElseThrow(), "the model's own YAML first");
        Files.writeString(dir.resolve("selftest.tsv"), "");
        assertEquals(dir.resolve("selftest.tsv"), ModelFiles.selfTestNextTo(shard).orElseThrow());
        Files.writeString(dir.resolve("m.selftest.tsv"), "");
        assertEquals(dir.resolve("m.selftest.tsv"), ModelFiles.selfTestNextTo(shard).orElseThrow());
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
