package org.evo2wb.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.evo2wb.engine.lora.Lora;
import org.evo2wb.engine.lora.LoraLinear;
import org.evo2wb.engine.model.MasterWeights;
import org.evo2wb.engine.model.ParameterKind;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.model.Trace;
import org.evo2wb.engine.train.settings.FineTuneMethod;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.FineTuneSettings;
import org.evo2wb.engine.train.settings.InvalidSettingsException;
import org.evo2wb.engine.train.settings.SettingsProblem;

/**
 * The Evo 2 model as the training loop sees it: {@link StripedHyena#forward} for logits, every trainable tensor by
 * checkpoint key (RoPE frequency buffers left out), and, for a LoRA run, the adapters the settings ask for.
 */
public final class TrainableStripedHyena implements TrainableModel {

    private final StripedHyena model;
    private final Map<String, LoraLinear> adapters;

    private TrainableStripedHyena(StripedHyena model, Map<String, LoraLinear> adapters) {
        this.model = model;
        this.adapters = Collections.unmodifiableMap(new LinkedHashMap<>(adapters));
    }

    /**
     * Readies a loaded model for the settings' method: for LoRA, wraps the target layers with fresh adapters (A
     * seeded by the seed, B zero); otherwise uses the model as it is (the loop freezes what the method does not
     * train). Resuming calls this the same way; the checkpoint then overwrites the adapters.
     *
     * @throws InvalidSettingsException when a LoRA target pattern matches no layer
     */
    public static TrainableStripedHyena prepare(StripedHyena model, FineTuneSettings s) {
        if (s.get(FineTuneParameters.METHOD) != FineTuneMethod.LORA) {
            return new TrainableStripedHyena(model, Map.of());
        }
        try {
            return new TrainableStripedHyena(model, Lora.apply(model, s.get(FineTuneParameters.LORA_TARGETS),
                    s.get(FineTuneParameters.LORA_RANK), s.get(FineTuneParameters.LORA_ALPHA),
                    s.get(FineTuneParameters.LORA_DROPOUT), s.get(FineTuneParameters.SEED)));
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingsException("", List.of(new SettingsProblem(
                    List.of(FineTuneParameters.LORA_TARGETS.name()), e.getMessage())));
        }
    }

    /**
     * How a model must be loaded for the settings: fp32 master weights for the linear layers when the method trains
     * them (full fine-tuning), else none (in fp16-mixed the frozen linear layers then hold only fp16 weights).
     */
    public static MasterWeights masterWeights(FineTuneSettings s) {
        return s.get(FineTuneParameters.METHOD) == FineTuneMethod.FULL ? MasterWeights.FP32 : MasterWeights.NONE;
    }

    @Override
    public org.evo2wb.engine.train.parallel.TrainingMemoryEstimate memoryEstimate(FineTuneSettings s,
                                                                                ai.djl.Device device) {
        return org.evo2wb.engine.train.parallel.TrainingMemoryEstimate.of(model.architecture().config(), s, device);
    }

    @Override
    public void keepCaches(boolean on) {
        model.keepCaches(on);
    }

    @Override
    public Stages stages() {
        return new Stages() {
            @Override
            public NDArray embed(NDArray tokens) {
                return model.embed(tokens);
            }

            @Override
            public boolean embeddingTrains() {
                return model.parameters().get("embedding_layer.weight").hasGradient();
            }

            @Override
            public int blocks() {
                return model.blockCount();
            }

            @Override
            public NDArray block(int i, NDArray x) {
                return model.block(i, x, Trace.NONE);
            }

            @Override
            public NDArray head(NDArray x) {
                return model.head(x, Trace.NONE);
            }

            @Override
            public void requireFinite(List<NDArray> blockOutputs) {
                model.requireFinite(blockOutputs);
            }
        };
    }

    @Override
    public NDArray logits(NDArray tokens) {
        return model.forward(tokens);
    }

    @Override
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        model.visitParameters((key, kind, value) -> {
            if (kind != ParameterKind.ROTARY_INV_FREQ) {
                out.put(key, value);
            }
        });
        return out;
    }

    /**
     * Keeps every trained hcl pole decaying: {@code λ ← min(λ, λ_max)} with λ_max = {@value #MAX_LOG_POLE}, so
     * {@code exp(λ·t)} never grows with t. The official code trains λ only through {@code λ = -exp(p)·exp(γ)} (spec
     * §3.10), which is negative by construction; training λ directly needs this projection instead, or a pole that
     * crosses zero makes the filter grow as e^{λt} over the window and the loss diverges.
     */
    @Override
    public void afterUpdate() {
        model.visitParameters((key, kind, value) -> {
            if (kind == ParameterKind.LOG_POLES && value.hasGradient()) {
                NDArray clipped = value.clip(Float.NEGATIVE_INFINITY, MAX_LOG_POLE);
                value.set(new NDIndex("..."), clipped);       // in place: the optimiser holds this array
                clipped.close();
            }
        });
    }

    /** Largest pole λ a trained hcl filter keeps (decay over 10,000 positions: e^-1). */
    public static final float MAX_LOG_POLE = -1e-4f;

    @Override
    public NDManager manager() {
        return model.manager();
    }

    @Override
    public void setTraining(boolean training) {
        adapters.values().forEach(a -> a.setTraining(training));
    }

    @Override
    public String precision() {
        return FineTuneParameters.PRECISION.type().format(model.precision());
    }

    /** A copy on {@code device}: the base model's tensors and the adapters with their current values. */
    @Override
    public TrainableStripedHyena replicate(ai.djl.Device device) {
        StripedHyena copy = model.copyTo(device);
        try {
            Map<String, LoraLinear> copied = new LinkedHashMap<>();
            copy.replaceLinears((name, layer) -> {
                LoraLinear mine = adapters.get(name);
                if (mine == null) {
                    return layer;
                }
                LoraLinear l = new LoraLinear(layer, mine.rank(), mine.alpha(), mine.dropout(), 0);
                Tensors.copyValues(l.loraA(), mine.loraA());
                Tensors.copyValues(l.loraB(), mine.loraB());
                copied.put(name, l);
                return l;
            });
            return new TrainableStripedHyena(copy, copied);
        } catch (RuntimeException e) {
            copy.close();
            throw e;
        }
    }

    /** The LoRA adapters by layer name (empty for other methods). */
    public Map<String, LoraLinear> adapters() {
        return adapters;
    }

    public StripedHyena model() {
        return model;
    }
}
