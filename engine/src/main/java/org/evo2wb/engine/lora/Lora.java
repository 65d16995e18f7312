package org.evo2wb.engine.lora;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.model.Linear;
import org.evo2wb.engine.model.StripedHyena;

/**
 * Adds, merges and removes LoRA adapters on an Evo 2 model (the litgpt recipe: wrap the chosen linears, train only
 * the adapters, save only the adapters, merge at the end).
 */
public final class Lora {

    private Lora() {
    }

    /**
     * Wraps every linear layer whose name matches one of {@code patterns} with a fresh adapter.
     *
     * @return the adapters by layer name, in model order
     * @throws IllegalArgumentException naming every pattern that matches no layer, and the layers there are
     */
    public static Map<String, LoraLinear> apply(StripedHyena model, Collection<String> patterns, int rank,
                                                double alpha, double dropout, long seed) {
        List<String> unmatched = LoraTargets.unmatched(model.linears().keySet(), patterns);
        if (!unmatched.isEmpty()) {
            throw new IllegalArgumentException("LoRA target" + (unmatched.size() == 1 ? " " : "s ")
                    + String.join(", ", unmatched) + " match no linear layer of the model; its linear layers are "
                    + String.join(", ", model.linears().keySet()));
        }
        Map<String, LoraLinear> out = new LinkedHashMap<>();
        model.replaceLinears((name, layer) -> {
            if (!LoraTargets.matchesAny(name, patterns)) {
                return layer;
            }
            LoraLinear l = new LoraLinear(layer, rank, alpha, dropout, seed);
            out.put(name, l);
            return l;
        });
        return out;
    }

    /** The adapters the model carries, by layer name. */
    public static Map<String, LoraLinear> adapters(StripedHyena model) {
        Map<String, LoraLinear> out = new LinkedHashMap<>();
        model.linears().forEach((k, v) -> {
            if (v instanceof LoraLinear l) {
                out.put(k, l);
            }
        });
        return out;
    }

    /**
     * Folds every adapter into its base weight ({@code W ← W + (α/r)·B·A}) and puts plain linear layers back: the
     * model then has exactly the released checkpoint's tensors, ready for a {@code .pt} or safetensors export.
     */
    public static void mergeAndUnload(StripedHyena model) {
        model.replaceLinears((name, layer) -> {
            if (layer instanceof LoraLinear l) {
                l.merge();
                l.closeAdapter();
                return new Linear(l.name(), l.weight(), l.bias(), l.precision());
            }
            return layer;
        });
    }

    /**
     * Puts adapters saved by {@link PeftAdapter#write} on a model: same rank, alpha and layers, weights copied in.
     *
     * @return the adapters, in inference mode (dropout off)
     */
    public static Map<String, LoraLinear> load(StripedHyena model, Path adapterDir) throws IOException {
        PeftAdapter.Saved saved = PeftAdapter.read(adapterDir);
        Map<String, LoraLinear> adapters = new LinkedHashMap<>();
        model.replaceLinears((name, layer) -> {
            if (!saved.config().modules().contains(name)) {
                return layer;
            }
            LoraLinear l = new LoraLinear(layer, saved.config().rank(), saved.config().alpha(), 0, 0);
            adapters.put(name, l);
            return l;
        });
        for (String module : saved.config().modules()) {
            LoraLinear l = adapters.get(module);
            if (l == null) {
                throw new IOException(adapterDir + ": the adapter is for layer " + module
                        + ", which this model does not have");
            }
            copy(saved, module + ".lora_A.weight", l.loraA(), adapterDir);
            copy(saved, module + ".lora_B.weight", l.loraB(), adapterDir);
            l.setTraining(false);
        }
        return adapters;
    }

    private static void copy(PeftAdapter.Saved saved, String key, ai.djl.ndarray.NDArray target, Path dir)
            throws IOException {
        HostTensor t = saved.weights().get(key);
        if (t == null) {
            throw new IOException(dir.resolve(PeftAdapter.WEIGHTS) + ": no tensor " + PeftAdapter.peftKey(key));
        }
        if (!java.util.Arrays.equals(t.shape(), target.getShape().getShape())) {
            throw new IOException(dir.resolve(PeftAdapter.WEIGHTS) + ": " + PeftAdapter.peftKey(key) + " has shape "
                    + java.util.Arrays.toString(t.shape()) + ", the model needs " + target.getShape());
        }
        org.evo2wb.engine.model.InPlace.overwrite(target, t.toFloatArray());
    }
}
