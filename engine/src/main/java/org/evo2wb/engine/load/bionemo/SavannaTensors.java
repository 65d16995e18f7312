package org.evo2wb.engine.load.bionemo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.evo2wb.engine.checkpoint.CheckpointFormatException;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.TensorInfo;
import org.evo2wb.engine.checkpoint.TorchCheckpoint;

/**
 * A Savanna checkpoint ({@code mp_rank_00_model_states.pt}, DeepSpeed's model-state file: a dict whose
 * {@code "module"} holds the state dict) under Megatron Bridge names, renamed as the BioNeMo recipe's
 * {@code savanna_to_mbridge.py} renames them: {@code sequential.0.word_embeddings} → the embedding,
 * {@code sequential.(i+2).*} → layer i, the final norm at {@code sequential.(N+3)} (7B/40B) or {@code (N+2)} (20B);
 * {@code input_layernorm} / {@code pre_mlp_layernorm} → the fused norm weights; {@code mlp.w1}, {@code mlp.w2} stacked
 * as {@code linear_fc1}, {@code mlp.w3} → {@code linear_fc2}; in attention layers {@code mixer.dense_projection} →
 * {@code linear_qkv} and {@code mixer.dense} → {@code linear_proj}. A {@code "module."} key prefix is dropped.
 *
 * <p>The file does not record the layer pattern; it is read from which tensors each layer has (short conv → S,
 * filter h/decay → D, filter p/γ/R → H, no Hyena projection conv → attention).
 */
final class SavannaTensors implements NamedTensors {

    private static final String EMBEDDING = "sequential.0.word_embeddings.weight";

    private final TorchCheckpoint file;
    private final String pattern;
    private final Map<String, String> names = new LinkedHashMap<>();     // mbridge -> savanna
    private final Map<String, String[]> stacked = new LinkedHashMap<>(); // mbridge fc1 -> savanna w1, w2
    private final Map<String, TensorInfo> infos = new LinkedHashMap<>();

    SavannaTensors(TorchCheckpoint file) throws CheckpointFormatException {
        this.file = file;
        Map<String, TensorInfo> raw = file.infos();
        String prefix = null;
        for (String k : raw.keySet()) {
            if (k.endsWith(EMBEDDING)) {
                prefix = k.substring(0, k.length() - EMBEDDING.length());
                break;
            }
        }
        if (prefix == null) {
            throw new CheckpointFormatException(file.name() + ": no '" + EMBEDDING + "'; not a Savanna checkpoint");
        }
        StringBuilder pat = new StringBuilder();
        int i = 0;
        while (true) {
            String s = prefix + "sequential." + (i + 2) + ".";
            if (!raw.containsKey(s + "mlp.w3.weight")) {
                break;
            }
            char sym;
            if (raw.containsKey(s + "mixer.mixer.short_conv.short_conv_weight")) {
                sym = 'S';
            } else if (raw.containsKey(s + "mixer.mixer.filter.h")) {
                sym = 'D';
            } else if (raw.containsKey(s + "mixer.mixer.filter.p")) {
                sym = 'H';
            } else if (raw.containsKey(s + "mixer.dense_projection.weight")
                    && !raw.containsKey(s + "mixer.hyena_proj_conv.short_conv_weight")) {
                sym = '*';
            } else {
                throw new CheckpointFormatException(file.name() + ": layer " + i + " (sequential." + (i + 2)
                        + ") is neither a Hyena layer (short, medium or long filter) nor attention");
            }
            pat.append(sym);
            String p = "decoder.layers." + i + ".";
            name(p + "mlp.linear_fc1.layer_norm_weight", s + "pre_mlp_layernorm.weight");
            name(p + "mlp.linear_fc2.weight", s + "mlp.w3.weight");
            stacked.put(p + "mlp.linear_fc1.weight", new String[] {s + "mlp.w1.weight", s + "mlp.w2.weight"});
            if (sym == '*') {
                name(p + "self_attention.linear_qkv.layer_norm_weight", s + "input_layernorm.weight");
                name(p + "self_attention.linear_qkv.weight", s + "mixer.dense_projection.weight");
                name(p + "self_attention.linear_proj.weight", s + "mixer.dense.weight");
                name(p + "self_attention.linear_proj.bias", s + "mixer.dense.bias");
            } else {
                name(p + "mixer.dense_projection.layer_norm_weight", s + "input_layernorm.weight");
                name(p + "mixer.dense_projection.weight", s + "mixer.dense_projection.weight");
                name(p + "mixer.hyena_proj_conv.short_conv_weight", s + "mixer.hyena_proj_conv.short_conv_weight");
                name(p + "mixer.dense.weight", s + "mixer.dense.weight");
                name(p + "mixer.dense.bias", s + "mixer.dense.bias");
                for (String f : new String[] {"short_conv.short_conv_weight", "conv_bias", "filter.h", "filter.decay",
                        "filter.gamma", "filter.R", "filter.p"}) {
                    name(p + "mixer.mixer." + f, s + "mixer.mixer." + f);
                }
            }
            i++;
        }
        if (i == 0) {
            throw new CheckpointFormatException(file.name() + ": no layers (sequential.2.mlp.w3.weight is missing)");
        }
        this.pattern = pat.toString();
        name("embedding.word_embeddings.weight", prefix + EMBEDDING);
        String norm3 = prefix + "sequential." + (i + 3) + ".norm.weight";
        String norm2 = prefix + "sequential." + (i + 2) + ".norm.weight";
        if (!name("decoder.final_norm.weight", norm3) && !name("decoder.final_norm.weight", norm2)) {
            throw new CheckpointFormatException(file.name() + ": no final norm at sequential." + (i + 3)
                    + " or sequential." + (i + 2) + " after its " + i + " layers");
        }
        for (Map.Entry<String, String> e : names.entrySet()) {
            infos.put(e.getKey(), raw.get(e.getValue()));
        }
        for (Map.Entry<String, String[]> e : stacked.entrySet()) {
            TensorInfo w1 = raw.get(e.getValue()[0]);
            TensorInfo w2 = raw.get(e.getValue()[1]);
            if (w1 == null || w2 == null || !w1.equals(w2) || w1.shape().length != 2) {
                throw new CheckpointFormatException(file.name() + ": '" + e.getValue()[0] + "' (" + w1 + ") and '"
                        + e.getValue()[1] + "' (" + w2 + ") are not two gated-MLP inputs of one type and shape");
            }
            long[] s = w1.shape();
            infos.put(e.getKey(), new TensorInfo(w1.type(), new long[] {2 * s[0], s[1]}));
        }
    }

    /** The layer pattern read from the tensors. */
    String pattern() {
        return pattern;
    }

    private boolean name(String mbridge, String savanna) {
        if (file.infos().containsKey(savanna)) {
            names.put(mbridge, savanna);
            return true;
        }
        return false;
    }

    @Override
    public String name() {
        return file.name();
    }

    @Override
    public Map<String, TensorInfo> infos() {
        return infos;
    }

    @Override
    public HostTensor tensor(String key) throws IOException {
        String s = names.get(key);
        if (s != null) {
            return file.tensor(s);
        }
        String[] pair = stacked.get(key);
        if (pair == null) {
            throw new CheckpointFormatException(file.name() + ": no tensor for '" + key + "'");
        }
        HostTensor w1 = file.tensor(pair[0]);
        HostTensor w2 = file.tensor(pair[1]);
        ByteBuffer out = ByteBuffer.allocate(w1.data().remaining() * 2).order(ByteOrder.LITTLE_ENDIAN);
        out.put(w1.data().duplicate()).put(w2.data().duplicate()).flip();
        long[] shape = w1.shape();
        return new HostTensor(w1.type(), new long[] {2 * shape[0], shape[1]}, out);
    }

    @Override
    public void close() throws IOException {
        file.close();
    }

    @Override
    public String toString() {
        return name() + " " + pattern + " " + Arrays.toString(infos.keySet().toArray());
    }
}
