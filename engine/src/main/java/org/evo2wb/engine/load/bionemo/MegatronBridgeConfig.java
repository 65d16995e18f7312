package org.evo2wb.engine.load.bionemo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.evo2wb.engine.checkpoint.CheckpointFormatException;
import org.evo2wb.engine.model.Evo2Config;

/**
 * The Evo 2 model config of a Megatron Bridge checkpoint, written from the {@code model:} section of its
 * {@code run_config.yaml} (BioNeMo's {@code HyenaModelProvider} fields) and the shapes of its mapped tensors, in the
 * official flat YAML fields, then read by {@link Evo2Config#parse}.
 *
 * <p>From the run config: {@code hybrid_override_pattern} → the four {@code *_layer_idxs}, {@code hidden_size},
 * {@code num_attention_heads}, {@code rotary_base} → {@code rotary_emb_base}, {@code seq_len_interpolation_factor}
 * → RoPE position interpolation, {@code layernorm_epsilon} → {@code eps}, {@code seq_length} → {@code max_seqlen},
 * {@code remove_activation_post_first_layer} → {@code evo2_style_activations}, {@code add_attn_proj_bias} →
 * {@code mha_out_proj_bias}. From the tensors: vocabulary, MLP width, filter groups and lengths, state size.
 * Refused, naming the field: untied output weights, a QKV bias, short-conv biases (the recipe's "NV" model variants),
 * none of which the Evo 2 model has.
 */
final class MegatronBridgeConfig {

    private MegatronBridgeConfig() {}

    static Evo2Config config(String name, Map<String, Object> model, Map<String, long[]> shapes, Path runConfig)
            throws CheckpointFormatException {
        refuseTrue(model, "use_short_conv_bias", runConfig, "short-convolution biases (the recipe's NV model "
                + "variants) have no place in the Evo 2 model");
        refuseTrue(model, "add_qkv_bias", runConfig, "the Evo 2 model has no QKV projection bias");
        if (Boolean.FALSE.equals(model.get("share_embeddings_and_output_weights"))) {
            throw new CheckpointFormatException(runConfig + ": model.share_embeddings_and_output_weights is false; "
                    + "the Evo 2 model ties its output layer to the embedding");
        }
        String pattern = BioNeMoCheckpoint.stringOf(model, "hybrid_override_pattern", runConfig
                + ": model.hybrid_override_pattern");
        int hidden = BioNeMoCheckpoint.intOf(model, "hidden_size", runConfig + ": model.hidden_size");
        int heads = BioNeMoCheckpoint.intOf(model, "num_attention_heads", runConfig + ": model.num_attention_heads");
        List<Integer> s = new ArrayList<>();
        List<Integer> d = new ArrayList<>();
        List<Integer> h = new ArrayList<>();
        List<Integer> a = new ArrayList<>();
        for (int i = 0; i < pattern.length(); i++) {
            switch (pattern.charAt(i)) {
                case 'S' -> s.add(i);
                case 'D' -> d.add(i);
                case 'H' -> h.add(i);
                default -> a.add(i);
            }
        }
        long[] emb = shapes.get("embedding_layer.weight");
        long[] l1 = shapes.get("blocks.0.mlp.l1.weight");
        long[] shortConv = first(shapes, pattern, "SDH", "filter.short_filter_weight");
        long[] hcs = first(shapes, pattern, "S", "filter.h");
        long[] hcm = first(shapes, pattern, "D", "filter.h");
        long[] poles = first(shapes, pattern, "H", "filter.log_poles");
        Object factor = model.get("seq_len_interpolation_factor");
        boolean interpolate = factor instanceof Number n && n.doubleValue() != 1.0;
        boolean attnBias = !Boolean.FALSE.equals(model.get("add_attn_proj_bias"))
                && (a.isEmpty() || shapes.containsKey("blocks." + a.get(0) + ".inner_mha_cls.out_proj.bias"));
        StringBuilder y = new StringBuilder();
        y.append("model_name: ").append(quote(name)).append('\n');
        y.append("vocab_size: ").append(emb[0]).append('\n');
        y.append("hidden_size: ").append(hidden).append('\n');
        y.append("num_filters: ").append(hidden).append('\n');
        y.append("hcs_layer_idxs: ").append(s).append('\n');
        y.append("hcm_layer_idxs: ").append(d).append('\n');
        y.append("hcl_layer_idxs: ").append(h).append('\n');
        y.append("attn_layer_idxs: ").append(a).append('\n');
        y.append("hcm_filter_length: ").append(hcm != null ? hcm[2] : 128).append('\n');
        y.append("hcl_filter_groups: ").append(poles != null ? poles[0] : hidden).append('\n');
        y.append("hcm_filter_groups: ").append(hcm != null ? hcm[0] : groups(model, "num_groups_hyena_medium", hidden))
                .append('\n');
        y.append("hcs_filter_groups: ").append(hcs != null ? hcs[0] : groups(model, "num_groups_hyena_short", hidden))
                .append('\n');
        y.append("hcs_filter_length: ").append(hcs != null ? hcs[2] : 7).append('\n');
        y.append("num_layers: ").append(pattern.length()).append('\n');
        y.append("short_filter_length: ").append(shortConv != null ? shortConv[2] : 3).append('\n');
        y.append("num_attention_heads: ").append(heads).append('\n');
        y.append("short_filter_bias: false\n");
        y.append("eps: ").append(number(model.get("layernorm_epsilon"), 1e-6)).append('\n');
        y.append("state_size: ").append(poles != null ? poles[1] : 16).append('\n');
        y.append("rotary_emb_base: ").append(number(model.get("rotary_base"), 10000)).append('\n');
        if (interpolate) {
            y.append("use_interpolated_rotary_pos_emb: true\n");
            y.append("rotary_emb_scaling_factor: ").append(((Number) factor).doubleValue()).append('\n');
        }
        y.append("make_vocab_size_divisible_by: ").append(number(model.get("make_vocab_size_divisible_by"), 8))
                .append('\n');
        y.append("inner_size_multiple_of: 16\n");
        y.append("inner_mlp_size: ").append(l1[0]).append('\n');
        y.append("proj_groups: 1\nhyena_filter_groups: 1\ncolumn_split_hyena: false\ncolumn_split: true\n");
        y.append("interleave: true\n");
        y.append("evo2_style_activations: ").append(!Boolean.FALSE.equals(model.get(
                "remove_activation_post_first_layer"))).append('\n');
        y.append("model_parallel_size: 1\npipe_parallel_size: 1\ntie_embeddings: true\n");
        y.append("mha_out_proj_bias: ").append(attnBias).append('\n');
        y.append("hyena_out_proj_bias: true\nhyena_flip_x1x2: false\nqkv_proj_bias: false\n");
        y.append("use_fp8_input_projections: false\n");
        y.append("max_seqlen: ").append(number(model.get("seq_length"), 8192)).append('\n');
        y.append("max_batch_size: 1\nfinal_norm: true\nuse_flash_attn: false\n");
        y.append("tokenizer_type: CharLevelTokenizer\nprefill_style: fft\nmlp_activation: gelu\n");
        return Evo2Config.parse(y.toString(), runConfig + " (the model section, as an Evo 2 config)");
    }

    private static long[] first(Map<String, long[]> shapes, String pattern, String kinds, String suffix) {
        for (int i = 0; i < pattern.length(); i++) {
            if (kinds.indexOf(pattern.charAt(i)) >= 0) {
                return shapes.get("blocks." + i + "." + suffix);
            }
        }
        return null;
    }

    private static Object groups(Map<String, Object> model, String key, int hidden) {
        return model.get(key) instanceof Number n ? n.intValue() : hidden;
    }

    private static String number(Object o, double fallback) {
        double v = o instanceof Number n ? n.doubleValue() : fallback;
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    private static void refuseTrue(Map<String, Object> model, String key, Path runConfig, String why)
            throws CheckpointFormatException {
        if (Boolean.TRUE.equals(model.get(key))) {
            throw new CheckpointFormatException(runConfig + ": model." + key + " is true; " + why);
        }
    }
}
