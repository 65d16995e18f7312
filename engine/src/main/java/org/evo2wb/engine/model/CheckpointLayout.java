package org.evo2wb.engine.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keys and shapes of a vortex-format Evo 2 checkpoint (spec §4.3), derived from a config. With D hidden, I MLP
 * width, G hcs/hcm groups, S state size, hd head dim:
 *
 * <pre>
 *   embedding_layer.weight (512, D)   [unembed.weight (512, D)]   norm.scale (D)
 *   blocks.i.: pre_norm.scale (D), post_norm.scale (D), mlp.l1.weight (I, D), mlp.l2.weight (I, D), mlp.l3.weight (D, I)
 *   hyena:     projections.weight (3D, D), filter.short_filter_weight (3D, 1, 3), out_filter_dense.weight (D, D), .bias (D)
 *     hcs:     filter.h (G, 1, 7)
 *     hcm:     filter.h (G, 1, 128), filter.D (D)
 *     hcl:     filter.log_poles (D, S, 1), filter.residues (D, S), filter.D (D)
 *   attention: inner_mha_cls.Wqkv.weight (3D, D), inner_mha_cls.out_proj.weight (D, D), .bias (D),
 *              inner_mha_cls.rotary_emb.inv_freq (hd/2)
 * </pre>
 *
 * Bias entries follow the {@code *_bias} switches of the config.
 */
final class CheckpointLayout {

    private CheckpointLayout() {}

    static Map<String, long[]> shapes(Evo2Config c, boolean withUnembed) {
        long d = c.hiddenSize();
        long inner = c.mlpInnerSize();
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put("embedding_layer.weight", new long[] {c.vocabSize(), d});
        if (withUnembed) {
            m.put("unembed.weight", new long[] {c.vocabSize(), d});
        }
        if (c.finalNorm()) {
            m.put("norm.scale", new long[] {d});
        }
        for (int i = 0; i < c.numLayers(); i++) {
            String b = "blocks." + i + ".";
            m.put(b + "pre_norm.scale", new long[] {d});
            m.put(b + "post_norm.scale", new long[] {d});
            m.put(b + "mlp.l1.weight", new long[] {inner, d});
            m.put(b + "mlp.l2.weight", new long[] {inner, d});
            m.put(b + "mlp.l3.weight", new long[] {d, inner});
            BlockKind k = c.blockKind(i);
            if (k == BlockKind.ATTENTION) {
                m.put(b + "inner_mha_cls.Wqkv.weight", new long[] {3 * d, d});
                if (c.qkvProjBias()) {
                    m.put(b + "inner_mha_cls.Wqkv.bias", new long[] {3 * d});
                }
                m.put(b + "inner_mha_cls.out_proj.weight", new long[] {d, d});
                if (c.mhaOutProjBias()) {
                    m.put(b + "inner_mha_cls.out_proj.bias", new long[] {d});
                }
                m.put(b + "inner_mha_cls.rotary_emb.inv_freq", new long[] {c.headDim() / 2});
                continue;
            }
            m.put(b + "projections.weight", new long[] {3 * d, d});
            if (c.qkvProjBias()) {
                m.put(b + "projections.bias", new long[] {3 * d});
            }
            m.put(b + "filter.short_filter_weight", new long[] {3 * d, 1, c.shortFilterLength()});
            if (c.shortFilterBias()) {
                m.put(b + "filter.short_filter_bias", new long[] {3 * d});
            }
            m.put(b + "out_filter_dense.weight", new long[] {d, d});
            if (c.hyenaOutProjBias()) {
                m.put(b + "out_filter_dense.bias", new long[] {d});
            }
            switch (k) {
                case HCS -> m.put(b + "filter.h", new long[] {c.hcsFilterGroups(), 1, c.hcsFilterLength()});
                case HCM -> {
                    m.put(b + "filter.h", new long[] {c.hcmFilterGroups(), 1, c.hcmFilterLength()});
                    m.put(b + "filter.D", new long[] {d});
                }
                default -> {
                    m.put(b + "filter.log_poles", new long[] {d, c.stateSize(), 1});
                    m.put(b + "filter.residues", new long[] {d, c.stateSize()});
                    m.put(b + "filter.D", new long[] {d});
                }
            }
        }
        return m;
    }

    static long parameterCount(Evo2Config c) {
        long n = 0;
        for (Map.Entry<String, long[]> e : shapes(c, false).entrySet()) {
            if (e.getKey().endsWith("rotary_emb.inv_freq")) {
                continue;
            }
            long p = 1;
            for (long s : e.getValue()) {
                p *= s;
            }
            n += p;
        }
        return n;
    }
}
