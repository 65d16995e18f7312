package org.evo2wb.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.evo2wb.bio.SequenceFiles;
import org.evo2wb.bio.SequenceRecord;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.lora.TinyModel;
import org.evo2wb.engine.model.GradMode;
import org.evo2wb.engine.model.ParameterKind;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.train.data.TokenWindow;
import org.evo2wb.engine.train.data.WindowSource;
import org.evo2wb.engine.train.run.RunFolder;
import org.evo2wb.engine.train.settings.FineTuneMethod;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.FineTuneSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training the tiny golden model's shape from random weights on the Yersinia pestis pPCP1 CDS records
 * (biopython_NC_005816.ffn.gz), with three of them in a separate validation file.
 */
class PretrainTest {

    @TempDir
    Path tmp;

    @Test
    void trainsFromRandomWeightsAndExportsALoadableModel() throws Exception {
        List<SequenceRecord> records = SequenceFiles.read(TinyModel.resource("data/biopython_NC_005816.ffn.gz"));
        Path train = fasta(tmp.resolve("train.fa"), records.subList(0, 7));
        Path validation = fasta(tmp.resolve("validation.fa"), records.subList(7, 10));
        Evo2Config config = Evo2Config.load(TinyModel.resource("golden/tiny.yml"));
        FineTuneSettings s = FineTuneSettings.builder(null).set(FineTuneParameters.WINDOW_LENGTH, 128)
                .set(FineTuneParameters.BATCH_SIZE, 4).set(FineTuneParameters.LEARNING_RATE, 2e-2)
                .set(FineTuneParameters.MAX_STEPS, 14).set(FineTuneParameters.WARMUP_STEPS, 2)
                .set(FineTuneParameters.EVAL_EVERY, 7).set(FineTuneParameters.EVAL_BATCHES, 2)
                .set(FineTuneParameters.DEVICE, "cpu").set(FineTuneParameters.SEED, 3L).build();
        Path folder = tmp.resolve("run");
        List<StepMetrics> steps = new ArrayList<>();
        Pretrain.Result r = Pretrain.run(new Pretrain.Spec(config, 5, List.of(train), List.of(validation), s, folder),
                List.of(new TrainingListener() {
                    @Override
                    public void onStep(StepMetrics m) {
                        steps.add(m);
                    }
                }));

        assertEquals(14, r.training().steps());
        assertEquals(config.parameterCount(), r.parameters());
        assertTrue(steps.get(0).trainLoss() > 5.5, "random start: about ln 512, got " + steps.get(0).trainLoss());
        assertTrue(r.training().lastTrainLoss() < 2.0, "loss " + steps.get(0).trainLoss() + " -> "
                + r.training().lastTrainLoss());

        JsonObject record = new RunFolder(folder).readRecord();
        assertEquals("full", record.getAsJsonObject("trainable").get("method").getAsString());
        assertEquals("random-init-seed-5", record.getAsJsonObject("model").get("source-sha256").getAsString());
        com.google.gson.JsonArray held = record.getAsJsonObject("data").getAsJsonArray("validationRecords");
        assertEquals(3, held.size());
        assertTrue(held.get(0).getAsString().startsWith("ref|NC_005816.1|:6664-7602@")
                && held.get(0).getAsString().contains("validation.fa"), held.toString());

        // the exported file loads as an Evo 2 checkpoint with the exported config, and its poles all decay
        try (StripedHyena loaded = StripedHyena.load(r.weights(), Evo2Config.load(r.config()), Device.cpu(),
                Precision.FP32)) {
            assertEquals(r.parameters(), loaded.parameterCount());
            loaded.visitParameters((key, kind, value) -> {
                if (kind == ParameterKind.LOG_POLES) {
                    assertTrue(value.max().getFloat() <= TrainableStripedHyena.MAX_LOG_POLE, key + " max " + value.max());
                }
            });
            try (StripedHyena fresh = StripedHyena.random(config, 5, Device.cpu(), Precision.FP32)) {
                float[] a = loaded.parameters().get("blocks.0.mlp.l1.weight").toFloatArray();
                float[] b = fresh.parameters().get("blocks.0.mlp.l1.weight").toFloatArray();
                assertTrue(!java.util.Arrays.equals(a, b), "the exported weights are the trained ones");
            }
        }
    }

    static Path fasta(Path file, List<SequenceRecord> records) throws Exception {
        StringBuilder b = new StringBuilder();
        for (SequenceRecord r : records) {
            b.append('>').append(r.id()).append('\n').append(r.sequence()).append('\n');
        }
        Files.writeString(file, b);
        return file;
    }

    @Test
    void positivePolesOfATrainedModelArePulledBackAfterAnUpdate() throws Exception {
        try (StripedHyena base = TinyModel.load()) {
            FineTuneSettings s = FineTuneSettings.builder(null).set(FineTuneParameters.METHOD, FineTuneMethod.FULL)
                    .build();
            TrainableStripedHyena model = TrainableStripedHyena.prepare(base, s);
            NDArray poles = base.parameters().get("blocks.2.filter.log_poles");
            float[] before = poles.toFloatArray();
            float[] pushed = before.clone();
            pushed[0] = 0.02f;
            pushed[5] = 1e-5f;
            try (GradMode off = GradMode.disabled()) {
                poles.set(pushed);
            }
            poles.setRequiresGradient(false);
            model.afterUpdate();
            assertArrayEquals(pushed, poles.toFloatArray(), "a frozen tensor is left alone");

            poles.setRequiresGradient(true);
            try (GradMode off = GradMode.disabled()) {
                model.afterUpdate();
            }
            float[] after = poles.toFloatArray();
            assertEquals(TrainableStripedHyena.MAX_LOG_POLE, after[0]);
            assertEquals(TrainableStripedHyena.MAX_LOG_POLE, after[5]);
            for (int i = 0; i < after.length; i++) {
                if (i != 0 && i != 5) {
                    assertEquals(before[i], after[i], "pole " + i + " was decaying already");
                }
            }
        }
    }

    @Test
    void validationWindowsAreSpreadByAPermutation() {
        List<TokenWindow> windows = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            windows.add(new TokenWindow("r", i, false, new byte[] {65, 67}, false));
        }
        FineTuneSettings s = FineTuneSettings.builder(null).set(FineTuneParameters.BATCH_SIZE, 2)
                .set(FineTuneParameters.EVAL_BATCHES, 2).build();
        WindowSource spread = Pretrain.spread(WindowSource.of(windows), s);
        assertEquals(10, spread.size());
        List<Long> starts = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < spread.size(); i++) {
            starts.add(spread.get(i).start());
            seen.add(spread.get(i).start());
        }
        assertEquals(List.of(0L, 3L, 6L, 9L, 1L, 4L, 7L, 2L, 5L, 8L), starts, "stride ceil(10 / 4) = 3");
        assertEquals(10, seen.size());
        WindowSource all = Pretrain.spread(WindowSource.of(windows),
                FineTuneSettings.builder(null).build());
        assertEquals(5L, all.get(5).start(), "evaluating every window: order kept");
    }
}
