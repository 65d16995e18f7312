package org.evo2wb.engine.load.bionemo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.evo2wb.engine.checkpoint.CheckpointFormatException;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.StorageType;
import org.evo2wb.engine.checkpoint.TensorInfo;

/**
 * Megatron Bridge tensor names → the Evo 2 checkpoint names the model reads (the released vortex layout), as the
 * BioNeMo recipe's {@code mbridge_to_vortex.py} maps them (bionemo-framework
 * {@code bionemo-recipes/recipes/evo2_megatron} at 3a9d005bffaa711e5964211d3ba34c5e373eb624); decision record 0022.
 *
 * <p>Layer {@code i} of the pattern ({@code S} short, {@code D} medium, {@code H} long Hyena, {@code *} attention) is
 * {@code decoder.layers.i.*} there and {@code blocks.i.*} here. Copied as they are: the embedding (also as
 * {@code unembed.weight}), the norms (Transformer Engine's fused {@code layer_norm_weight} or the plain
 * {@code norm}/{@code input_layernorm}/{@code pre_mlp_layernorm} names), {@code dense_projection} → {@code projections},
 * {@code dense} → {@code out_filter_dense}, {@code linear_qkv} → {@code Wqkv} (both in per-head [q;k;v] row order),
 * {@code linear_proj} → {@code out_proj}, {@code linear_fc2} → {@code mlp.l3}, {@code conv_bias} → {@code filter.D}.
 * Reshaped: a 2-D short-conv weight [C, K] becomes [C, 1, K]. Split: {@code linear_fc1} = [l1; l2] by rows. Computed
 * in fp32 as the recipe computes them: the medium filter {@code h[:, :L] · decay[:, :L]} with L = min(medium conv
 * length, stored length), the long filter's {@code log_poles = −exp(p) · exp(γ)} (and {@code residues = R}), and the
 * RoPE {@code inv_freq = 1 / base^(2j/d_h)} (Megatron keeps no such buffer; the recipe writes the fp32 formula).
 */
final class VortexMapping {

    /** One model tensor: its type and shape, and how to make it. */
    record Mapped(TensorInfo info, Producer producer) {}

    /** Makes one tensor (reading its sources). */
    @FunctionalInterface
    interface Producer {
        HostTensor get() throws IOException;
    }

    private final NamedTensors src;
    private final String pattern;
    private final Map<String, TensorInfo> infos;
    private final Map<String, Mapped> out = new LinkedHashMap<>();

    private VortexMapping(NamedTensors src, String pattern) {
        this.src = src;
        this.pattern = pattern;
        this.infos = src.infos();
    }

    /**
     * Maps {@code src}.
     *
     * @param pattern        the layer pattern ({@code hybrid_override_pattern}, e.g. {@code SDH*SDHSDH*…})
     * @param headDim        attention head size, for {@code inv_freq}
     * @param rotaryBase     RoPE base ({@code rotary_base})
     * @param mediumConvLen  the medium Hyena filter length ({@code hyena_medium_conv_len}, 128 in every Evo 2 model)
     */
    static Map<String, Mapped> map(NamedTensors src, String pattern, int headDim, double rotaryBase, int mediumConvLen)
            throws CheckpointFormatException {
        VortexMapping m = new VortexMapping(src, pattern);
        m.build(headDim, rotaryBase, mediumConvLen);
        return m.out;
    }

    private void build(int headDim, double rotaryBase, int mediumConvLen) throws CheckpointFormatException {
        String emb = "embedding.word_embeddings.weight";
        copy("embedding_layer.weight", required(emb, "the embedding"));
        copy("unembed.weight", emb);
        for (int i = 0; i < pattern.length(); i++) {
            char sym = pattern.charAt(i);
            String p = "decoder.layers." + i + ".";
            String b = "blocks." + i + ".";
            String what = "layer " + i + " ('" + sym + "' in pattern '" + pattern + "')";
            if (sym == '*') {
                copy(b + "pre_norm.scale", oneOf(what, p + "self_attention.linear_qkv.layer_norm_weight",
                        p + "input_layernorm.weight"));
                copy(b + "inner_mha_cls.Wqkv.weight", required(p + "self_attention.linear_qkv.weight", what));
                copy(b + "inner_mha_cls.out_proj.weight", required(p + "self_attention.linear_proj.weight", what));
                if (infos.containsKey(p + "self_attention.linear_proj.bias")) {
                    copy(b + "inner_mha_cls.out_proj.bias", p + "self_attention.linear_proj.bias");
                }
                float[] inv = invFreq(headDim, rotaryBase);
                out.put(b + "inner_mha_cls.rotary_emb.inv_freq", new Mapped(
                        new TensorInfo(StorageType.F32, new long[] {inv.length}),
                        () -> f32(new long[] {inv.length}, inv)));
            } else if (sym == 'S' || sym == 'D' || sym == 'H') {
                copy(b + "pre_norm.scale", oneOf(what, p + "mixer.dense_projection.layer_norm_weight",
                        p + "norm.weight"));
                copy(b + "projections.weight", required(p + "mixer.dense_projection.weight", what));
                depthwise(b + "filter.short_filter_weight",
                        required(p + "mixer.hyena_proj_conv.short_conv_weight", what));
                copy(b + "out_filter_dense.weight", required(p + "mixer.dense.weight", what));
                copy(b + "out_filter_dense.bias", required(p + "mixer.dense.bias", what));
                if (sym == 'S') {
                    depthwise(b + "filter.h", required(p + "mixer.mixer.short_conv.short_conv_weight", what));
                } else if (sym == 'D') {
                    copy(b + "filter.D", required(p + "mixer.mixer.conv_bias", what));
                    mediumFilter(b + "filter.h", required(p + "mixer.mixer.filter.h", what),
                            required(p + "mixer.mixer.filter.decay", what), mediumConvLen);
                } else {
                    copy(b + "filter.D", required(p + "mixer.mixer.conv_bias", what));
                    longFilter(b, required(p + "mixer.mixer.filter.p", what),
                            required(p + "mixer.mixer.filter.gamma", what), required(p + "mixer.mixer.filter.R", what));
                }
            } else {
                throw new CheckpointFormatException(src.name() + ": layer pattern '" + pattern + "' has '" + sym
                        + "' at layer " + i + "; Evo 2 layers are S, D, H or *");
            }
            copy(b + "post_norm.scale", oneOf(what, p + "mlp.linear_fc1.layer_norm_weight",
                    p + "pre_mlp_layernorm.weight"));
            String fc1 = required(p + "mlp.linear_fc1.weight", what);
            half(b + "mlp.l1.weight", fc1, 0);
            half(b + "mlp.l2.weight", fc1, 1);
            copy(b + "mlp.l3.weight", required(p + "mlp.linear_fc2.weight", what));
        }
        copy("norm.scale", required("decoder.final_norm.weight", "the final norm"));
    }

    private String required(String key, String what) throws CheckpointFormatException {
        if (!infos.containsKey(key)) {
            throw new CheckpointFormatException(src.name() + ": no tensor '" + key + "' (" + what + "); the "
                    + "checkpoint does not match its layer pattern '" + pattern + "'");
        }
        return key;
    }

    private String oneOf(String what, String... keys) throws CheckpointFormatException {
        for (String k : keys) {
            if (infos.containsKey(k)) {
                return k;
            }
        }
        throw new CheckpointFormatException(src.name() + ": none of " + Arrays.toString(keys) + " (" + what
                + "); the checkpoint does not match its layer pattern '" + pattern + "'");
    }

    private void copy(String to, String from) {
        out.put(to, new Mapped(infos.get(from), () -> src.tensor(from)));
    }

    /** A depthwise convolution weight as [C, 1, K] (2-D [C, K] gets its middle axis). */
    private void depthwise(String to, String from) throws CheckpointFormatException {
        TensorInfo i = infos.get(from);
        long[] s = i.shape();
        if (s.length == 3 && s[1] == 1) {
            copy(to, from);
        } else if (s.length == 2) {
            long[] shape = {s[0], 1, s[1]};
            out.put(to, new Mapped(new TensorInfo(i.type(), shape), () -> {
                HostTensor t = src.tensor(from);
                return new HostTensor(t.type(), shape, t.data());
            }));
        } else {
            throw new CheckpointFormatException(src.name() + ": tensor '" + from + "' has shape " + Arrays.toString(s)
                    + "; a depthwise convolution weight is [channels, kernel] or [channels, 1, kernel]");
        }
    }

    /** Rows {@code [0, n/2)} ({@code which} 0) or {@code [n/2, n)} (1) of a 2-D weight. */
    private void half(String to, String from, int which) throws CheckpointFormatException {
        TensorInfo i = infos.get(from);
        long[] s = i.shape();
        if (s.length != 2 || s[0] % 2 != 0) {
            throw new CheckpointFormatException(src.name() + ": tensor '" + from + "' has shape " + Arrays.toString(s)
                    + "; linear_fc1 holds the two gated MLP inputs stacked, [2·I, D]");
        }
        long[] shape = {s[0] / 2, s[1]};
        out.put(to, new Mapped(new TensorInfo(i.type(), shape), () -> {
            HostTensor t = src.tensor(from);
            int bytes = Math.toIntExact(shape[0] * shape[1] * t.type().bytes());
            ByteBuffer d = t.data().duplicate();
            d.position(which * bytes).limit(which * bytes + bytes);
            return new HostTensor(t.type(), shape, d.slice());
        }));
    }

    /** {@code h[:, :L] · decay[:, :L]} as [G, 1, L] in fp32. */
    private void mediumFilter(String to, String hKey, String decayKey, int mediumConvLen)
            throws CheckpointFormatException {
        long[] hs = infos.get(hKey).shape();
        long[] ds = infos.get(decayKey).shape();
        if (hs.length != 2 || ds.length != 2 || hs[0] != ds[0]) {
            throw new CheckpointFormatException(src.name() + ": medium filter '" + hKey + "' " + Arrays.toString(hs)
                    + " and '" + decayKey + "' " + Arrays.toString(ds) + " are not both [groups, length]");
        }
        int groups = Math.toIntExact(hs[0]);
        int len = (int) Math.min(mediumConvLen, hs[1]);
        if (ds[1] < len) {
            throw new CheckpointFormatException(src.name() + ": '" + decayKey + "' has " + ds[1] + " taps but the "
                    + "filter needs " + len);
        }
        long[] shape = {groups, 1, len};
        out.put(to, new Mapped(new TensorInfo(StorageType.F32, shape), () -> {
            float[] h = src.tensor(hKey).toFloatArray();
            float[] decay = src.tensor(decayKey).toFloatArray();
            float[] v = new float[groups * len];
            for (int g = 0; g < groups; g++) {
                for (int t = 0; t < len; t++) {
                    v[g * len + t] = h[(int) (g * hs[1] + t)] * decay[(int) (g * ds[1] + t)];
                }
            }
            return f32(shape, v);
        }));
    }

    /** {@code log_poles = −exp(p) · exp(γ)} as [G, S, 1] and {@code residues = R} as [G, S], fp32. */
    private void longFilter(String b, String pKey, String gammaKey, String rKey) throws CheckpointFormatException {
        long[] ps = infos.get(pKey).shape();
        long[] gs = infos.get(gammaKey).shape();
        long[] rs = infos.get(rKey).shape();
        if (ps.length != 2 || !Arrays.equals(ps, gs) || !Arrays.equals(ps, rs)) {
            throw new CheckpointFormatException(src.name() + ": long filter '" + pKey + "' " + Arrays.toString(ps)
                    + ", '" + gammaKey + "' " + Arrays.toString(gs) + " and '" + rKey + "' " + Arrays.toString(rs)
                    + " are not all [groups, state size]");
        }
        long[] poleShape = {ps[0], ps[1], 1};
        out.put(b + "filter.log_poles", new Mapped(new TensorInfo(StorageType.F32, poleShape), () -> {
            float[] p = src.tensor(pKey).toFloatArray();
            float[] gamma = src.tensor(gammaKey).toFloatArray();
            float[] v = new float[p.length];
            for (int i = 0; i < p.length; i++) {
                v[i] = -(float) Math.exp(p[i]) * (float) Math.exp(gamma[i]);
            }
            return f32(poleShape, v);
        }));
        out.put(b + "filter.residues", new Mapped(new TensorInfo(StorageType.F32, ps),
                () -> f32(ps, src.tensor(rKey).toFloatArray())));
    }

    /** {@code 1 / base^(j / d_h)} for j = 0, 2, …, d_h − 2, in fp32 as {@code torch} computes it. */
    static float[] invFreq(int headDim, double base) {
        float[] out = new float[headDim / 2];
        float b = (float) base;
        for (int j = 0; j < out.length; j++) {
            float exponent = (float) (2 * j) / (float) headDim;
            out[j] = 1.0f / (float) Math.pow(b, exponent);
        }
        return out;
    }

    /** An fp32 tensor of {@code values}. */
    static HostTensor f32(long[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return new HostTensor(StorageType.F32, shape, b);
    }
}
