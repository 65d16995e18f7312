package org.evo2wb.engine.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Consistency checks on an {@link Evo2Config}; every problem names the YAML field(s) involved. */
final class Evo2ConfigValidation {

    private Evo2ConfigValidation() {}

    static List<String> problems(Evo2Config c) {
        List<String> p = new ArrayList<>();
        positive(p, "vocab_size", c.vocabSize());
        positive(p, "hidden_size", c.hiddenSize());
        positive(p, "num_layers", c.numLayers());
        positive(p, "num_attention_heads", c.numAttentionHeads());
        positive(p, "hcs_filter_length", c.hcsFilterLength());
        positive(p, "hcm_filter_length", c.hcmFilterLength());
        positive(p, "short_filter_length", c.shortFilterLength());
        positive(p, "state_size", c.stateSize());
        positive(p, "proj_groups", c.projGroups());
        positive(p, "max_seqlen", c.maxSeqlen());
        int d = c.hiddenSize();
        if (d > 0 && c.numAttentionHeads() > 0) {
            if (d % c.numAttentionHeads() != 0) {
                p.add("hidden_size " + d + " is not divisible by num_attention_heads " + c.numAttentionHeads());
            } else if ((d / c.numAttentionHeads()) % 2 != 0) {
                p.add("head dimension hidden_size/num_attention_heads = " + d / c.numAttentionHeads()
                        + " must be even for rotary embeddings");
            }
            if (c.projGroups() > 0 && c.numAttentionHeads() % c.projGroups() != 0) {
                p.add("num_attention_heads " + c.numAttentionHeads() + " is not divisible by proj_groups " + c.projGroups());
            }
        }
        groups(p, "hcs_filter_groups", c.hcsFilterGroups(), d);
        groups(p, "hcm_filter_groups", c.hcmFilterGroups(), d);
        if (c.numFilters() != 0 && (c.numFilters() < 0 || d % c.numFilters() != 0)) {
            p.add("hidden_size " + d + " is not divisible by num_filters " + c.numFilters());
        }
        if (c.innerMlpSize() != null && c.innerMlpSize() <= 0) {
            p.add("inner_mlp_size must be positive, got " + c.innerMlpSize());
        }
        if (c.innerMlpSize() == null && c.innerSizeMultipleOf() <= 0) {
            p.add("inner_size_multiple_of must be positive when inner_mlp_size is absent, got " + c.innerSizeMultipleOf());
        }
        if (!(c.eps() > 0)) {
            p.add("eps must be positive, got " + c.eps());
        }
        if (!(c.rotaryEmbBase() > 0)) {
            p.add("rotary_emb_base must be positive, got " + c.rotaryEmbBase());
        }
        if (c.useInterpolatedRotaryPosEmb() && !(c.rotaryEmbScalingFactor() > 0)) {
            p.add("rotary_emb_scaling_factor must be positive when use_interpolated_rotary_pos_emb is on, got "
                    + c.rotaryEmbScalingFactor());
        }
        layerCoverage(p, c);
        return p;
    }

    /** Each layer 0..L-1 must be listed exactly once across the four *_layer_idxs lists. */
    private static void layerCoverage(List<String> p, Evo2Config c) {
        Map<String, List<Integer>> lists = Map.of("hcs_layer_idxs", c.hcsLayerIdxs(), "hcm_layer_idxs",
                c.hcmLayerIdxs(), "hcl_layer_idxs", c.hclLayerIdxs(), "attn_layer_idxs", c.attnLayerIdxs());
        Map<Integer, List<String>> owners = new TreeMap<>();
        for (String name : List.of("hcs_layer_idxs", "hcm_layer_idxs", "hcl_layer_idxs", "attn_layer_idxs")) {
            for (int i : lists.get(name)) {
                if (i < 0 || i >= c.numLayers()) {
                    p.add(name + " lists layer " + i + ", outside 0.." + (c.numLayers() - 1) + " (num_layers "
                            + c.numLayers() + ")");
                } else {
                    owners.computeIfAbsent(i, k -> new ArrayList<>()).add(name);
                }
            }
        }
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            List<String> o = owners.get(i);
            if (o == null) {
                missing.add(i);
            } else if (o.size() > 1) {
                p.add("layer " + i + " is listed " + o.size() + " times (" + String.join(", ", o) + ")");
            }
        }
        if (!missing.isEmpty()) {
            p.add("layers " + missing + " are in none of hcs/hcm/hcl/attn_layer_idxs");
        }
    }

    private static void positive(List<String> p, String field, int v) {
        if (v <= 0) {
            p.add(field + " must be positive, got " + v);
        }
    }

    private static void groups(List<String> p, String field, int g, int d) {
        if (g <= 0) {
            p.add(field + " must be positive, got " + g);
        } else if (d > 0 && d % g != 0) {
            p.add("hidden_size " + d + " is not divisible by " + field + " " + g);
        }
    }
}
