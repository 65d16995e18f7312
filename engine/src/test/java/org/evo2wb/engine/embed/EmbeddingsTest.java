package org.evo2wb.engine.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.evo2wb.bio.dataset.Evo2Tokenizer;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.Safetensors;
import org.evo2wb.engine.lora.TinyModel;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.model.TraceComparator;
import org.evo2wb.engine.score.Scorer;
import org.evo2wb.engine.score.Windows;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layer outputs of the tiny golden model (hcs, hcm, hcl, attention, hcs) against the trace's intermediates. */
class EmbeddingsTest {

    @TempDir
    static Path tmp;
    static StripedHyena model;

    @BeforeAll
    static void load() throws IOException {
        model = TinyModel.load();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static String dna(int n, long seed) {
        Random r = new Random(seed);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append("ACGT".charAt(r.nextInt(4)));
        }
        return b.toString();
    }

    static Map<String, TraceComparator.Captured> trace(String seq) {
        try (NDManager m = model.manager().newSubManager()) {
            long[] ids = Evo2Tokenizer.encodeLongs(seq, false);
            return TraceComparator.capture(model, m.create(ids, new Shape(1, ids.length)));
        }
    }

    static float[] collect(Embedder e, String seq, LayerName layer) {
        float[] all = new float[seq.length() * layer.width()];
        e.embed(seq, (l, first, rows, count) -> {
            if (l.equals(layer)) {
                System.arraycopy(rows, 0, all, (int) first * l.width(), count * l.width());
            }
        }, () -> false);
        return all;
    }

    @Test
    void blockOutputsEqualTheIntermediatesTheTraceReports() {
        String seq = dna(200, 1);
        List<LayerName> layers = LayerName.parseAll("blocks.2,blocks.1.mlp.l3,embedding_layer,"
                + "blocks.3.inner_mha_cls.out_proj,blocks.0.projections,norm", model.architecture());
        Map<String, TraceComparator.Captured> t = trace(seq);
        Embedder e = new Embedder(model, layers, 8192, 1024);
        String[] traces = {"blocks.2.out", "blocks.1.mlp", "embedding", "blocks.3.out_proj", "blocks.0.projections",
            "final_norm"};
        for (int k = 0; k < layers.size(); k++) {
            TraceComparator.Captured c = t.get(traces[k]);
            assertEquals(c.shape()[2], layers.get(k).width(), traces[k]);
            assertArrayEquals(c.values(), collect(e, seq, layers.get(k)), traces[k]);
        }
    }

    @Test
    void longSequencesAreEmbeddedWindowByWindowAsScoringCutsThem() {
        String seq = dna(300, 2);
        LayerName block4 = LayerName.parse("blocks.4", model.architecture());
        float[] streamed = collect(new Embedder(model, List.of(block4), 128, 32), seq, block4);
        int w = block4.width();
        boolean first = true;
        for (Windows win : Windows.plan(seq.length(), 128, 32)) {
            float[] alone = trace(seq.substring(win.start(), win.end())).get("blocks.4.out").values();
            int from = first ? 0 : win.firstTarget();
            first = false;
            for (int b = from; b <= win.lastTarget(); b++) {
                for (int j = 0; j < w; j++) {
                    assertEquals(alone[(b - win.start()) * w + j], streamed[b * w + j], 0f, "base " + b);
                }
            }
        }
    }

    @Test
    void filesHoldPerBaseAndMeanPooledValues() throws IOException {
        List<Scorer.Input> recs = List.of(new Scorer.Input("r1", dna(90, 3)), new Scorer.Input("r2", dna(40, 4)));
        List<LayerName> layers = LayerName.parseAll("blocks.1,blocks.3", model.architecture());
        Path st = tmp.resolve("e.safetensors");
        Embeddings.write(model, recs, layers, false, 8192, 1024, st, d -> { }, () -> false);
        Map<String, HostTensor> perBase = Safetensors.read(st);
        assertArrayEquals(new long[] {90, 64}, perBase.get("blocks.1/r1").shape());
        assertArrayEquals(trace(recs.get(1).sequence()).get("blocks.3.out").values(),
                perBase.get("blocks.3/r2").toFloatArray());

        Path pooled = tmp.resolve("m.safetensors");
        Embeddings.write(model, recs, layers, true, 8192, 1024, pooled, d -> { }, () -> false);
        HostTensor m = Safetensors.read(pooled).get("blocks.1");
        assertArrayEquals(new long[] {2, 64}, m.shape());
        float[] rows = perBase.get("blocks.1/r1").toFloatArray();
        for (int j = 0; j < 64; j++) {
            double s = 0;
            for (int i = 0; i < 90; i++) {
                s += rows[i * 64 + j];
            }
            assertEquals(s / 90, m.toFloatArray()[j], 1e-5 * Math.max(1, Math.abs(s / 90)));
        }

        Path npy = tmp.resolve("e.npy");
        Embeddings.write(model, recs, layers.subList(0, 1), false, 8192, 1024, npy, d -> { }, () -> false);
        byte[] b = Files.readAllBytes(npy);
        int headerLen = (b[8] & 0xFF) | (b[9] & 0xFF) << 8;
        String header = new String(b, 10, headerLen, java.nio.charset.StandardCharsets.US_ASCII);
        assertTrue(header.contains("'shape': (130, 64)"), header);
        assertEquals(0, (10 + headerLen) % 64);
        ByteBuffer data = ByteBuffer.wrap(b, 10 + headerLen, b.length - 10 - headerLen).order(ByteOrder.LITTLE_ENDIAN);
        float[] all = new float[130 * 64];
        data.asFloatBuffer().get(all);
        assertEquals(rows[0], all[0]);
        assertEquals(perBase.get("blocks.1/r2").toFloatArray()[0], all[90 * 64]);
        assertThrows(IllegalArgumentException.class, () -> Embeddings.write(model, recs, layers, false, 8192, 1024,
                tmp.resolve("two.npy"), d -> { }, () -> false));
        assertTrue(!Files.exists(tmp.resolve("two.npy")));

        Path csv = tmp.resolve("e.csv");
        Embeddings.write(model, recs, layers, true, 8192, 1024, csv, d -> { }, () -> false);
        List<String> lines = Files.readAllLines(csv);
        assertEquals(1 + 2 * 2, lines.size());
        assertTrue(lines.get(1).startsWith("r1,blocks.1,mean,"));
    }

    @Test
    void unknownLayersAreAllReportedWithWhatTheBlockOffers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LayerName.parseAll(
                "blocks.9,blocks.3.projections,blocks.x", model.architecture()));
        assertTrue(e.getMessage().contains("blocks 0 to 4") && e.getMessage().contains("inner_mha_cls")
                && e.getMessage().contains("'blocks.x' is not a layer name"), e.getMessage());
    }
}
