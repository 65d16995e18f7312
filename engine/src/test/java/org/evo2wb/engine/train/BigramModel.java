package org.evo2wb.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A toy next-token model of DJL ops for testing the loop: logits = (onehot(x)·E ⊙ s)·Wᵀ + b, with an embedding
 * E (V, D), a norm-like scale s (D), a head W (V, D) and a bias b (V). Names mimic checkpoint keys so the weight-decay
 * rule sees a matrix, a scale and a bias.
 */
final class BigramModel implements TrainableModel {

    static final int VOCAB = 128;

    private final NDManager manager;
    private final Map<String, NDArray> params = new LinkedHashMap<>();

    BigramModel(NDManager parent, int width, long seed) {
        this.manager = parent.newSubManager();
        Random r = new Random(seed);
        params.put("embedding.weight", randn(r, 0.5f, VOCAB, width));
        params.put("norm.scale", manager.ones(new Shape(width)));
        params.put("head.weight", randn(r, 0.2f, VOCAB, width));
        params.put("head.bias", manager.zeros(new Shape(VOCAB)));
        for (NDArray p : params.values()) {
            p.setRequiresGradient(true);
        }
    }

    private NDArray randn(Random r, float std, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * std);
        }
        return manager.create(v, new Shape(rows, cols));
    }

    @Override
    public NDArray logits(NDArray tokens) {
        NDArray x = tokens.oneHot(VOCAB).matMul(params.get("embedding.weight")).mul(params.get("norm.scale"));
        return x.matMul(params.get("head.weight").transpose()).add(params.get("head.bias"));
    }

    @Override
    public Map<String, NDArray> parameters() {
        return params;
    }

    @Override
    public NDManager manager() {
        return manager;
    }
}
