package org.evo2wb.engine.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A model config this engine builds, checked once, with the sizes the blocks read under their short names (YAML
 * field names in brackets). It holds nothing but the {@link Evo2Config}: the config is the one record of a model's
 * truth, and this is the view of it the blocks take (the MLP width is taken from the checkpoint when it disagrees
 * with the config, see {@link #withInner}: the 1M-context checkpoints were zero-padded, spec §1.2).
 *
 * @param config the config, valid ({@link Evo2Config#problems()} empty) and of a layout this engine builds
 */
public record ModelArchitecture(Evo2Config config) {

    public ModelArchitecture {
        List<String> problems = config.problems();
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
        return new ModelArchitecture(c);
    }

    /** {@link #of(Evo2Config, String)} naming the config by its model name. */
    public static ModelArchitecture of(Evo2Config c) {
        return of(c, "config " + c.modelName());
    }

    /** The kind of block i. */
    public BlockKind kindOf(int i) {
        return config.blockKind(i);
    }

    /** The block pattern in the spec's letters (S hcs, D hcm, H hcl, * attention), e.g. {@code SDH*S}. */
    public String pattern() {
        return config.pattern();
    }

    /** V [vocab_size]. */
    public int vocabSize() {
        return config.vocabSize();
    }

    /** D [hidden_size]. */
    public long hidden() {
        return config.hiddenSize();
    }

    /** N [num_layers]. */
    public int numLayers() {
        return config.numLayers();
    }

    /** I, the MLP width ({@link Evo2Config#mlpInnerSize()}). */
    public long inner() {
        return config.mlpInnerSize();
    }

    /** [eps]. */
    public double eps() {
        return config.eps();
    }

    /** [short_filter_length] (3). */
    public int shortFilterLength() {
        return config.shortFilterLength();
    }

    /** [hcs_filter_groups]. */
    public long hcsGroups() {
        return config.hcsFilterGroups();
    }

    /** [hcs_filter_length] (7). */
    public int hcsTaps() {
        return config.hcsFilterLength();
    }

    /** [hcm_filter_groups]. */
    public long hcmGroups() {
        return config.hcmFilterGroups();
    }

    /** [hcm_filter_length] (128). */
    public int hcmTaps() {
        return config.hcmFilterLength();
    }

    /** S [state_size] (16). */
    public long stateSize() {
        return config.stateSize();
    }

    /** H [num_attention_heads]. */
    public long heads() {
        return config.numAttentionHeads();
    }

    /** [rotary_emb_scaling_factor] when [use_interpolated_rotary_pos_emb], else 1. */
    public double ropeScalingFactor() {
        return config.ropeScale();
    }

    /** [rotary_emb_base], only for random initialisation (checkpoints carry inv_freq). */
    public double rotaryBase() {
        return config.rotaryEmbBase();
    }

    /** [evo2_style_activations]. */
    public boolean evo2StyleActivations() {
        return config.evo2StyleActivations();
    }

    public long headDim() {
        return hidden() / heads();
    }

    /** Same architecture with another MLP width. */
    public ModelArchitecture withInner(long newInner) {
        return new ModelArchitecture(config.withInnerMlpSize(Math.toIntExact(newInner)));
    }

    /**
     * The first {@code layers} blocks (the same block kinds at the same indices), to time a slice of a model too
     * large for the device.
     */
    public ModelArchitecture firstLayers(int layers) {
        return new ModelArchitecture(config.withFirstLayers(layers));
    }
}
