package org.evo2wb.engine.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The resolved shape of a StripedHyena 2 stack: which block sits at each index and every size the blocks need.
 * Built from the model config (YAML field names in brackets); the MLP width is taken from the checkpoint when it
 * disagrees with the config (the 1M-context checkpoints were zero-padded, spec §1.2).
 *
 * @param vocabSize V [vocab_size]
 * @param hidden D [hidden_size]
 * @param numLayers N [num_layers]
 * @param hcsLayers [hcs_layer_idxs]
 * @param hcmLayers [hcm_layer_idxs]
 * @param hclLayers [hcl_layer_idxs]
 * @param attnLayers [attn_layer_idxs]
 * @param inner I [inner_mlp_size]
 * @param eps [eps]
 * @param shortFilterLength [short_filter_length] (3)
 * @param hcsGroups [hcs_filter_groups]
 * @param hcsTaps [hcs_filter_length] (7)
 * @param hcmGroups [hcm_filter_groups]
 * @param hcmTaps [hcm_filter_length] (128)
 * @param stateSize S [state_size] (16)
 * @param heads H [num_attention_heads]
 * @param ropeScalingFactor [rotary_emb_scaling_factor] when [use_interpolated_rotary_pos_emb], else 1
 * @param rotaryBase [rotary_emb_base], only for random initialisation (checkpoints carry inv_freq)
 * @param evo2StyleActivations [evo2_style_activations]
 */
public record ModelArchitecture(int vocabSize, long hidden, int numLayers, Set<Integer> hcsLayers,
                                Set<Integer> hcmLayers, Set<Integer> hclLayers, Set<Integer> attnLayers, long inner,
                                double eps, int shortFilterLength, long hcsGroups, int hcsTaps, long hcmGroups,
                                int hcmTaps, long stateSize, long heads, double ropeScalingFactor, double rotaryBase,
                                boolean evo2StyleActivations) {

    public ModelArchitecture {
        hcsLayers = Set.copyOf(hcsLayers);
        hcmLayers = Set.copyOf(hcmLayers);
        hclLayers = Set.copyOf(hclLayers);
        attnLayers = Set.copyOf(attnLayers);
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < numLayers; i++) {
            int n = (hcsLayers.contains(i) ? 1 : 0) + (hcmLayers.contains(i) ? 1 : 0) + (hclLayers.contains(i) ? 1 : 0)
                    + (attnLayers.contains(i) ? 1 : 0);
            if (n != 1) {
                problems.add("layer " + i + " is listed in " + n + " of hcs/hcm/hcl/attn_layer_idxs (must be exactly 1)");
            }
        }
        for (Set<Integer> s : List.of(hcsLayers, hcmLayers, hclLayers, attnLayers)) {
            for (int i : s) {
                if (i < 0 || i >= numLayers) {
                    problems.add("layer index " + i + " outside 0.." + (numLayers - 1) + " (num_layers)");
                }
            }
        }
        if (hidden <= 0 || heads <= 0 || hidden % heads != 0) {
            problems.add("hidden_size " + hidden + " must be a positive multiple of num_attention_heads " + heads);
        } else if ((hidden / heads) % 2 != 0) {
            problems.add("head dim " + hidden / heads + " must be even (rotary embedding)");
        }
        if (hcsGroups <= 0 || hidden % hcsGroups != 0) {
            problems.add("hidden_size " + hidden + " must be a multiple of hcs_filter_groups " + hcsGroups);
        }
        if (hcmGroups <= 0 || hidden % hcmGroups != 0) {
            problems.add("hidden_size " + hidden + " must be a multiple of hcm_filter_groups " + hcmGroups);
        }
        if (inner <= 0 || vocabSize <= 0 || stateSize <= 0 || shortFilterLength <= 0 || hcsTaps <= 0 || hcmTaps <= 0) {
            problems.add("sizes must be positive (inner_mlp_size, vocab_size, state_size, filter lengths)");
        }
        if (!(ropeScalingFactor > 0)) {
            problems.add("rotary_emb_scaling_factor must be > 0, got " + ropeScalingFactor);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid model architecture: " + String.join("; ", problems));
        }
    }

    /**
     * The architecture a config describes. Switches whose non-Evo 2 values this engine does not implement
     * ({@code column_split_hyena}, {@code interleave: false}, {@code hyena_flip_x1x2}, biases on the projections or
     * the short conv, no attention/hyena output bias, untied embeddings, no final norm, grouped-query attention,
     * an MLP activation other than GELU) are rejected together in one message naming the fields.
     *
     * @param source where the config came from, for the message
     */
    public static ModelArchitecture of(Evo2Config c, String source) {
        List<String> p = new ArrayList<>();
        if (c.columnSplitHyena()) {
            p.add("column_split_hyena: true is not supported");
        }
        if (!c.interleave()) {
            p.add("interleave: false is not supported (Evo 2 checkpoints interleave q/k/v channels)");
        }
        if (c.hyenaFlipX1x2()) {
            p.add("hyena_flip_x1x2: true is not supported");
        }
        if (c.qkvProjBias()) {
            p.add("qkv_proj_bias: true is not supported");
        }
        if (c.shortFilterBias()) {
            p.add("short_filter_bias: true is not supported");
        }
        if (!c.hyenaOutProjBias() || !c.mhaOutProjBias()) {
            p.add("hyena_out_proj_bias and mha_out_proj_bias must be true (Evo 2 layout)");
        }
        if (!c.tieEmbeddings()) {
            p.add("tie_embeddings: false is not supported");
        }
        if (!c.finalNorm()) {
            p.add("final_norm: false is not supported");
        }
        if (c.projGroups() != 1) {
            p.add("proj_groups " + c.projGroups() + " (grouped-query attention) is not supported");
        }
        if (c.mlpActivation() != null && !c.mlpActivation().equalsIgnoreCase("gelu")) {
            p.add("mlp_activation '" + c.mlpActivation() + "' is not supported (gelu)");
        }
        if (!p.isEmpty()) {
            throw new IllegalArgumentException(source + ": " + String.join("; ", p));
        }
        return new ModelArchitecture(c.vocabSize(), c.hiddenSize(), c.numLayers(), new HashSet<>(c.hcsLayerIdxs()),
                new HashSet<>(c.hcmLayerIdxs()), new HashSet<>(c.hclLayerIdxs()), new HashSet<>(c.attnLayerIdxs()),
                c.mlpInnerSize(), c.eps(), c.shortFilterLength(), c.hcsFilterGroups(), c.hcsFilterLength(),
                c.hcmFilterGroups(), c.hcmFilterLength(), c.stateSize(), c.numAttentionHeads(), c.ropeScale(),
                c.rotaryEmbBase(), c.evo2StyleActivations());
    }

    /** {@link #of(Evo2Config, String)} naming the config by its model name. */
    public static ModelArchitecture of(Evo2Config c) {
        return of(c, "config " + c.modelName());
    }

    /** The kind of block i. */
    public BlockKind kindOf(int i) {
        if (hcsLayers.contains(i)) {
            return BlockKind.HCS;
        }
        if (hcmLayers.contains(i)) {
            return BlockKind.HCM;
        }
        if (hclLayers.contains(i)) {
            return BlockKind.HCL;
        }
        return BlockKind.ATTENTION;
    }

    /** The block pattern in the spec's letters (S hcs, D hcm, H hcl, * attention), e.g. {@code SDH*S}. */
    public String pattern() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < numLayers; i++) {
            sb.append(kindOf(i).letter());
        }
        return sb.toString();
    }

    public long headDim() {
        return hidden / heads;
    }

    /** Same architecture with another MLP width. */
    public ModelArchitecture withInner(long newInner) {
        return new ModelArchitecture(vocabSize, hidden, numLayers, hcsLayers, hcmLayers, hclLayers, attnLayers,
                newInner, eps, shortFilterLength, hcsGroups, hcsTaps, hcmGroups, hcmTaps, stateSize, heads,
                ropeScalingFactor, rotaryBase, evo2StyleActivations);
    }

    /** Same architecture with another RoPE position-interpolation factor (1 = none). */
    public ModelArchitecture withRopeScaling(double factor) {
        return new ModelArchitecture(vocabSize, hidden, numLayers, hcsLayers, hcmLayers, hclLayers, attnLayers,
                inner, eps, shortFilterLength, hcsGroups, hcsTaps, hcmGroups, hcmTaps, stateSize, heads, factor,
                rotaryBase, evo2StyleActivations);
    }
}
