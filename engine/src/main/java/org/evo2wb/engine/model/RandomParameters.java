package org.evo2wb.engine.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Random tensors of the right shapes, for benchmarks and shape tests. Initialisation follows the training
 * recipes closely enough that activations stay finite: linear weights and the embedding N(0, 0.02²), biases 0, norm
 * scales 1, short/hcs/hcm taps N(0, 1/K), hcl poles {@code λ = -exp(p)·U(0.01, 0.1)} with p ~ N(-1, 0.5²) and
 * residues N(0, 0.1²/S) (spec §3.10), skip terms N(0, 0.1²), RoPE {@code inv_freq[j] = base^(-2j/d_h)}.
 * Values come from the engine's generator, seeded once at construction.
 */
public final class RandomParameters implements ParameterSource {

    private final NDManager manager;
    private final double rotaryBase;

    public RandomParameters(NDManager manager, long seed, double rotaryBase) {
        this.manager = manager;
        this.rotaryBase = rotaryBase;
        Engine.getInstance().setRandomSeed(Math.toIntExact(seed & 0x7fffffff));
    }

    @Override
    public NDArray get(String key, ParameterKind kind, long... shape) {
        Shape s = new Shape(shape);
        return switch (kind) {
            case EMBEDDING, LINEAR_WEIGHT -> normal(0.02, s);
            case LINEAR_BIAS -> manager.zeros(s, DataType.FLOAT32);
            case NORM_SCALE -> manager.ones(s, DataType.FLOAT32);
            case SHORT_FILTER, HCS_FILTER, HCM_FILTER -> normal(1.0 / Math.sqrt(shape[shape.length - 1]), s);
            case SKIP -> normal(0.1, s);
            case RESIDUES -> normal(0.1 / Math.sqrt(shape[1]), s);
            case LOG_POLES -> {
                NDArray p = manager.randomNormal(-1f, 0.5f, s, DataType.FLOAT32);
                NDArray u = manager.randomUniform(0.01f, 0.1f, s, DataType.FLOAT32);
                NDArray lambda = p.exp().mul(u).neg();
                p.close();
                u.close();
                yield lambda;
            }
            case ROTARY_INV_FREQ -> {
                long half = shape[0];
                float[] f = new float[Math.toIntExact(half)];
                for (int j = 0; j < f.length; j++) {
                    f[j] = (float) Math.pow(rotaryBase, -2.0 * j / (2.0 * half));
                }
                yield manager.create(f, s);
            }
        };
    }

    private NDArray normal(double std, Shape s) {
        return manager.randomNormal(0f, (float) std, s, DataType.FLOAT32);
    }
}
