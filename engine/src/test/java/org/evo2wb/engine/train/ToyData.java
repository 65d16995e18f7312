package org.evo2wb.engine.train;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.evo2wb.bio.dataset.DatasetManifest;
import org.evo2wb.bio.dataset.DatasetOptions;
import org.evo2wb.bio.dataset.DatasetSummary;
import org.evo2wb.engine.train.data.TokenWindow;
import org.evo2wb.engine.train.data.WindowSource;
import org.evo2wb.engine.train.run.ModelDescription;

/** Small synthetic DNA for loop tests: a learnable repeat with mutations, cut into windows. */
final class ToyData {

    private ToyData() {
    }

    /** A record of {@code length} bases: a 23-base motif repeated, 5 % random substitutions, a lowercase stretch. */
    static String sequence(int length, long seed) {
        String motif = "ACGTTGCAAGGCTTACGATCCGA";
        Random r = new Random(seed);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            char c = motif.charAt(i % motif.length());
            if (r.nextDouble() < 0.05) {
                c = "ACGT".charAt(r.nextInt(4));
            }
            b.append(i % 200 >= 180 ? Character.toLowerCase(c) : c);
        }
        return b.toString();
    }

    /** Non-overlapping windows of {@code window} bases (the tail window may be shorter). */
    static List<TokenWindow> windows(String record, String sequence, int window) {
        List<TokenWindow> out = new ArrayList<>();
        byte[] all = sequence.getBytes(StandardCharsets.US_ASCII);
        for (int start = 0; start < all.length; start += window) {
            int end = Math.min(all.length, start + window);
            out.add(new TokenWindow(record, start, false, java.util.Arrays.copyOfRange(all, start, end),
                    all.length < window));
        }
        return out;
    }

    static WindowSource train(int window) {
        return WindowSource.of(windows("toy-train", sequence(64 * 40, 1), window));
    }

    static WindowSource validation(int window) {
        return WindowSource.of(windows("toy-valid", sequence(64 * 8, 2), window));
    }

    /** A manifest with the toy counts (no source files: the windows are made in memory). */
    static DatasetManifest manifest(WindowSource train, WindowSource validation) {
        return new DatasetManifest(List.of(), DatasetOptions.of(64), List.of("toy-valid@memory:1"),
                new DatasetSummary(2, 1, 1, 64 * 40, 64 * 8, train.size(), validation.size(), 64L * train.size(),
                        64L * validation.size(), 0, 0, 64, List.of()));
    }

    static ModelDescription model() {
        JsonObject config = new JsonObject();
        config.addProperty("vocab_size", BigramModel.VOCAB);
        return new ModelDescription("bigram-toy", config, "/models/toy.pt", "00ff");
    }
}
