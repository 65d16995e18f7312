package org.evo2wb.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.evo2wb.bio.SequenceFiles;
import org.evo2wb.bio.SequenceRecord;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.score.Scorer;
import org.evo2wb.engine.score.ScoringOptions;
import org.evo2wb.engine.score.SequenceScore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bundled default model as the workbench finds it on the class path ({@code org/evo2wb/assets/default-model/}):
 * its config, weights and run record describe the same model, and it predicts a genome it was not trained on. (The
 * app's {@code DefaultModelTest} loads it the way the workbench does and runs its self-test.)
 */
class BundledDefaultModelTest {

    static final String FOLDER = "/org/evo2wb/assets/default-model/";

    static StripedHyena model;
    static Evo2Config config;
    static JsonObject run;

    static Path resource(String name) {
        URL url = BundledDefaultModelTest.class.getResource(name);
        if (url == null) {
            throw new IllegalStateException("missing class-path resource " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void load() throws Exception {
        config = Evo2Config.load(resource(FOLDER + "config.yml"));
        model = StripedHyena.load(resource(FOLDER + "model.safetensors"), config, Device.cpu(), Precision.FP32);
        run = JsonParser.parseString(Files.readString(resource(FOLDER + "run.json"))).getAsJsonObject();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void configRunRecordAndWeightsDescribeTheSameModel() throws Exception {
        assertTrue(config.problems().isEmpty(), config.problems().toString());
        for (String block : List.of("S", "D", "H", "*")) {
            assertTrue(config.pattern().contains(block), "every Evo 2 block type: " + config.pattern());
        }
        assertEquals(512, config.vocabSize());
        assertEquals(config.parameterCount(), model.parameterCount());
        JsonObject m = run.getAsJsonObject("model");
        assertEquals(config.modelName(), m.get("name").getAsString());
        assertEquals(config.hiddenSize(), m.getAsJsonObject("config").get("hidden_size").getAsInt());
        assertEquals(config.parameterCount(), run.getAsJsonObject("trainable").get("values").getAsLong());
        assertEquals("full", run.getAsJsonObject("trainable").get("method").getAsString());
        assertEquals("random-init", m.get("source-checkpoint").getAsString(), "trained from scratch");
        long bytes = Files.size(resource(FOLDER + "model.safetensors"));
        assertTrue(bytes < 20 << 20, "weights small enough to ship: " + bytes);
        assertEquals(config.parameterCount() * 4, bytes, 64 * 1024, "fp32 weights plus a header");
    }

    /**
     * Eight 1,024-base stretches of S. aureus N315, a genome held out from training: the model predicts them better
     * than their own base composition does (an order-0 model fitted on the very bases it scores).
     */
    @Test
    void heldOutGenomeIsPredictedBetterThanItsOwnBaseComposition() throws Exception {
        JsonArray held = run.getAsJsonObject("data").getAsJsonArray("validationRecords");
        assertTrue(held.toString().contains("NC_002745.2"), "S. aureus N315 was held out: " + held);

        List<SequenceRecord> records = SequenceFiles.read(resource("saureus_N315_heldout_snippet.fa"));
        assertEquals(8, records.size());
        List<Scorer.Input> in = new ArrayList<>();
        long[] counts = new long[128];
        for (SequenceRecord r : records) {
            in.add(new Scorer.Input(r.id(), r.sequence()));
            r.sequence().chars().forEach(c -> counts[c]++);
        }
        double nats = 0;
        long n = 0;
        for (SequenceScore s : new Scorer(model, ScoringOptions.defaults().withBatchSize(4)).score(in)) {
            nats -= s.forwardSum();
            n += s.scored();
        }
        double bits = nats / n / Math.log(2);
        long total = counts['A'] + counts['C'] + counts['G'] + counts['T'];
        assertEquals(8 * 1024, total);
        double composition = 0;
        for (char b : "ACGT".toCharArray()) {
            double p = counts[b] / (double) total;
            composition -= p * Math.log(p) / Math.log(2);
        }
        assertTrue(bits < composition, "model " + bits + " bits/base, base composition " + composition);
    }
}
