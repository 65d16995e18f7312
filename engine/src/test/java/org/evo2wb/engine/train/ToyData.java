package org.evo2wb.engine.train;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.evo2wb.engine.train.run.DataManifest;
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
            out.add(new TokenWindow(record, start, false, java.util.Arrays.copyOfRange(all, start, end)));
        }
        return out;
    }

    static WindowSet train(int window) {
        return WindowSet.of(windows("toy-train", sequence(64 * 40, 1), window));
    }

    static WindowSet validation(int window) {
        return WindowSet.of(windows("toy-valid", sequence(64 * 8, 2), window));
    }

    static DataManifest manifest(WindowSet train, WindowSet validation) {
        return new DataManifest(List.of(new DataManifest.DataFile("/data/toy.fa", "ab12", 2, 64 * 48)), 42, 1, 1,
                64 * 40, 64 * 8, train.size(), validation.size());
    }

    static ModelDescription model() {
        JsonObject config = new JsonObject();
        config.addProperty("vocab_size", BigramModel.VOCAB);
        return new ModelDescription("bigram-toy", config, "/models/toy.pt", "00ff");
    }
}
