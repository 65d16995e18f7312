package org.evo2wb.engine.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An Evo 2 (StripedHyena 2) model config, one component per field of the official flat YAML
 * ({@code ArcInstitute/evo2: evo2/configs/*.yml}); the YAML name of each component is the snake_case form of its
 * Java name (e.g. {@code hcsLayerIdxs} ↔ {@code hcs_layer_idxs}, {@code hyenaFlipX1x2} ↔ {@code hyena_flip_x1x2}).
 * Missing optional fields take the value the official code sees for a missing key ({@code None}: false / unset).
 * Fields not modelled here (kernel switches, logging flags, init-method strings) are kept in {@link #other()}.
 *
 * <p>Read with {@link #load(Path)} / {@link #parse(String, String)}; the bundled presets with {@link #preset(String)}.
 * Sizes: D = {@code hidden_size}, L = {@code num_layers}, H = {@code num_attention_heads}, head dim D/H, MLP width
 * I = {@code inner_mlp_size} or, when absent, {@code m·⌈⌊8D/3⌋/m⌉} with {@code m = inner_size_multiple_of ·
 * model_parallel_size} (vortex {@code ParallelGatedMLP}). Released 1M-context checkpoints pad I beyond the config:
 * use {@link #withInnerMlpSizeFrom(Map)} with the checkpoint's shapes.
 *
 * @param rotaryEmbScalingFactor RoPE position divisor, used only when {@code useInterpolatedRotaryPosEmb}; 1 if absent
 * @param innerMlpSize           explicit MLP width, or null when the config leaves it to the rounding rule
 * @param other                  every other YAML key, in file order
 */
public record Evo2Config(
        String modelName, int vocabSize, int hiddenSize, int numFilters, int numLayers,
        List<Integer> hcsLayerIdxs, List<Integer> hcmLayerIdxs, List<Integer> hclLayerIdxs, List<Integer> attnLayerIdxs,
        int hcsFilterLength, int hcsFilterGroups, int hcmFilterLength, int hcmFilterGroups, int hclFilterGroups,
        int hyenaFilterGroups, int shortFilterLength, boolean shortFilterBias, int stateSize,
        int numAttentionHeads, int projGroups, double rotaryEmbBase, boolean useInterpolatedRotaryPosEmb,
        double rotaryEmbScalingFactor,
        Integer innerMlpSize, int innerSizeMultipleOf, int makeVocabSizeDivisibleBy, String mlpActivation,
        boolean evo2StyleActivations, double eps,
        boolean columnSplitHyena, boolean columnSplit, boolean interleave, boolean hyenaFlipX1x2, boolean qkvProjBias,
        boolean hyenaOutProjBias, boolean mhaOutProjBias, boolean tieEmbeddings, boolean finalNorm,
        boolean useFp8InputProjections, boolean useFlashAttn, int maxSeqlen, int maxBatchSize,
        int modelParallelSize, int pipeParallelSize, String tokenizerType, String prefillStyle,
        Map<String, Object> other) {

    /** Names of the bundled presets (files {@code org/evo2wb/engine/presets/<name>.yml}). */
    public static final List<String> PRESETS = List.of("evo2-1b-8k", "evo2-7b-8k", "evo2-7b-262k", "evo2-7b-1m",
            "evo2-20b-1m", "evo2-40b-8k", "evo2-40b-1m");

    public Evo2Config {
        hcsLayerIdxs = List.copyOf(hcsLayerIdxs);
        hcmLayerIdxs = List.copyOf(hcmLayerIdxs);
        hclLayerIdxs = List.copyOf(hclLayerIdxs);
        attnLayerIdxs = List.copyOf(attnLayerIdxs);
        other = Collections.unmodifiableMap(new LinkedHashMap<>(other));
    }

    // ---------------------------------------------------------------- reading

    /** Reads and validates a YAML config file. */
    public static Evo2Config load(Path file) throws IOException {
        return Evo2ConfigYaml.read(file);
    }

    /** Parses and validates YAML text; {@code source} names it in messages. */
    public static Evo2Config parse(String yaml, String source) {
        return Evo2ConfigYaml.parse(yaml, source);
    }

    /** A bundled preset by name, e.g. {@code "evo2-7b-8k"} (see {@link #PRESETS}). */
    public static Evo2Config preset(String name) {
        return PresetCache.PRESETS.computeIfAbsent(name, Evo2Config::readPreset);
    }

    private static Evo2Config readPreset(String name) {
        String res = "/org/evo2wb/engine/presets/" + name + ".yml";
        try (InputStream in = Evo2Config.class.getResourceAsStream(res)) {
            if (in == null) {
                throw new IllegalArgumentException("no preset '" + name + "'; known presets: " + PRESETS);
            }
            return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), "preset " + name);
        } catch (IOException e) {
            throw new UncheckedIOException("reading preset " + name, e);
        }
    }

    /** Writes this config as flat YAML in the official field names. */
    public String toYaml() {
        return Evo2ConfigYaml.write(this);
    }

    /** Parsed presets, read once. */
    private static final class PresetCache {
        static final Map<String, Evo2Config> PRESETS = new java.util.concurrent.ConcurrentHashMap<>();
    }

    // ---------------------------------------------------------------- derived sizes

    /** Kind of block {@code layer} (0-based). */
    public BlockKind blockKind(int layer) {
        if (hcsLayerIdxs.contains(layer)) {
            return BlockKind.HCS;
        }
        if (hcmLayerIdxs.contains(layer)) {
            return BlockKind.HCM;
        }
        if (hclLayerIdxs.contains(layer)) {
            return BlockKind.HCL;
        }
        if (attnLayerIdxs.contains(layer)) {
            return BlockKind.ATTENTION;
        }
        throw new IllegalArgumentException("layer " + layer + " is in none of the *_layer_idxs lists");
    }

    /** Block kinds for layers 0..L-1. */
    public List<BlockKind> blockKinds() {
        List<BlockKind> out = new ArrayList<>();
        for (int i = 0; i < numLayers; i++) {
            out.add(blockKind(i));
        }
        return out;
    }

    /** The block pattern in letters S (hcs), D (hcm), H (hcl), * (attention), e.g. {@code SDH*SDHSDH*…}. */
    public String pattern() {
        StringBuilder sb = new StringBuilder();
        for (BlockKind k : blockKinds()) {
            sb.append(k.letter());
        }
        return sb.toString();
    }

    /** Attention head dimension D/H (128 for every released model). */
    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    /** Effective MLP width I: {@code inner_mlp_size} if set, else the vortex rounding rule. */
    public int mlpInnerSize() {
        if (innerMlpSize != null) {
            return innerMlpSize;
        }
        int m = innerSizeMultipleOf * Math.max(1, modelParallelSize);
        int raw = (int) (2L * hiddenSize * 4 / 3);
        return m * ((raw + m - 1) / m);
    }

    /** RoPE position divisor actually applied: the scaling factor when interpolation is on, else 1. */
    public double ropeScale() {
        return useInterpolatedRotaryPosEmb ? rotaryEmbScalingFactor : 1.0;
    }

    /** This config with another MLP width (1M-context checkpoints are padded, spec §1.2). */
    public Evo2Config withInnerMlpSize(int inner) {
        if (inner <= 0) {
            throw new IllegalArgumentException("inner MLP size must be positive, got " + inner);
        }
        return new Evo2Config(modelName, vocabSize, hiddenSize, numFilters, numLayers, hcsLayerIdxs, hcmLayerIdxs,
                hclLayerIdxs, attnLayerIdxs, hcsFilterLength, hcsFilterGroups, hcmFilterLength, hcmFilterGroups,
                hclFilterGroups, hyenaFilterGroups, shortFilterLength, shortFilterBias, stateSize, numAttentionHeads,
                projGroups, rotaryEmbBase, useInterpolatedRotaryPosEmb, rotaryEmbScalingFactor, inner,
                innerSizeMultipleOf, makeVocabSizeDivisibleBy, mlpActivation, evo2StyleActivations, eps,
                columnSplitHyena, columnSplit, interleave, hyenaFlipX1x2, qkvProjBias, hyenaOutProjBias,
                mhaOutProjBias, tieEmbeddings, finalNorm, useFp8InputProjections, useFlashAttn, maxSeqlen,
                maxBatchSize, modelParallelSize, pipeParallelSize, tokenizerType, prefillStyle, other);
    }

    /**
     * This config cut to its first {@code layers} blocks (the same block kinds at the same indices), to time a slice
     * of a model too large for the device.
     */
    public Evo2Config withFirstLayers(int layers) {
        if (layers < 1 || layers > numLayers) {
            throw new IllegalArgumentException("layers must be in 1.." + numLayers + ", got " + layers);
        }
        java.util.function.Function<List<Integer>, List<Integer>> keep =
                l -> l.stream().filter(i -> i < layers).toList();
        return new Evo2Config(modelName, vocabSize, hiddenSize, numFilters, layers, keep.apply(hcsLayerIdxs),
                keep.apply(hcmLayerIdxs), keep.apply(hclLayerIdxs), keep.apply(attnLayerIdxs), hcsFilterLength,
                hcsFilterGroups, hcmFilterLength, hcmFilterGroups, hclFilterGroups, hyenaFilterGroups,
                shortFilterLength, shortFilterBias, stateSize, numAttentionHeads, projGroups, rotaryEmbBase,
                useInterpolatedRotaryPosEmb, rotaryEmbScalingFactor, innerMlpSize, innerSizeMultipleOf,
                makeVocabSizeDivisibleBy, mlpActivation, evo2StyleActivations, eps, columnSplitHyena, columnSplit,
                interleave, hyenaFlipX1x2, qkvProjBias, hyenaOutProjBias, mhaOutProjBias, tieEmbeddings, finalNorm,
                useFp8InputProjections, useFlashAttn, maxSeqlen, maxBatchSize, modelParallelSize, pipeParallelSize,
                tokenizerType, prefillStyle, other);
    }

    /**
     * The MLP width stored in a checkpoint: rows of {@code blocks.0.mlp.l1.weight}, or empty when that key is absent
     * or not 2-D.
     */
    public static Optional<Integer> inferInnerMlpSize(Map<String, long[]> checkpointShapes) {
        long[] s = checkpointShapes.get("blocks.0.mlp.l1.weight");
        return s != null && s.length == 2 ? Optional.of(Math.toIntExact(s[0])) : Optional.empty();
    }

    /** This config with I taken from the checkpoint's shapes when they carry it (else unchanged). */
    public Evo2Config withInnerMlpSizeFrom(Map<String, long[]> checkpointShapes) {
        Optional<Integer> i = inferInnerMlpSize(checkpointShapes);
        return i.isPresent() && i.get() != mlpInnerSize() ? withInnerMlpSize(i.get()) : this;
    }

    // ---------------------------------------------------------------- tensors, size, memory

    /**
     * Keys and shapes of the released vortex checkpoints for this config (spec §4.3), as the model's blocks read them
     * ({@link ExpectedParameters}). {@code unembed.weight} (a duplicate of the embedding) is listed only when
     * {@code withUnembed}.
     *
     * @throws IllegalArgumentException when the config asks for a layout this engine does not build
     *                                  ({@link ModelArchitecture#of(Evo2Config)} names the fields)
     */
    public Map<String, long[]> checkpointShapes(boolean withUnembed) {
        return ExpectedParameters.shapes(ModelArchitecture.of(this), withUnembed);
    }

    /**
     * Parameter count of the model's tensors (tied embedding counted once, RoPE {@code inv_freq} buffers excluded),
     * see {@link ExpectedParameters#parameterCount}.
     */
    public long parameterCount() {
        return ExpectedParameters.parameterCount(ModelArchitecture.of(this));
    }

    /** Bytes of all weights held in {@code precision}. */
    public long weightBytes(WeightPrecision precision) {
        return parameterCount() * precision.bytes();
    }

    /**
     * Peak memory to load this model into {@code precision}, in bytes: the weights plus the staging of the largest
     * single tensor (an fp32 array and a buffer in the target type). The checkpoint itself is memory-mapped and
     * converted one tensor at a time, so it adds only reclaimable page cache, not resident memory. Add about 1 GiB
     * for the JVM and the application. See {@code docs/decisions/0002-checkpoint-memory.md}.
     */
    public long loadPeakBytes(WeightPrecision precision) {
        long largest = 0;
        for (long[] s : checkpointShapes(false).values()) {
            long n = 1;
            for (long d : s) {
                n *= d;
            }
            largest = Math.max(largest, n);
        }
        return weightBytes(precision) + largest * (4 + precision.bytes());
    }

    // ---------------------------------------------------------------- validation and advice

    /** Every inconsistency, each naming its field; empty when the config is usable. */
    public List<String> problems() {
        return Evo2ConfigValidation.problems(this);
    }

    /** Throws {@link Evo2ConfigException} listing all problems at once, if any. */
    public Evo2Config validate(String source) {
        List<String> p = problems();
        if (!p.isEmpty()) {
            throw new Evo2ConfigException(source, p);
        }
        return this;
    }

    /**
     * A user-facing warning when this is a 1B, 20B or 40B Evo 2 model, which are accurate only with FP8 input
     * projections on Hopper GPUs (spec §5.2); empty for 7B models and for BioNeMo's bf16 fine-tunes.
     *
     * @param checkpointName file or model name of the weights, or null; a name containing {@code bf16} marks a
     *                       BioNeMo bf16-robust fine-tune and silences the warning
     */
    public Optional<String> fp8Warning(String checkpointName) {
        return Fp8Advice.warning(this, checkpointName);
    }

    /** Presets whose architecture (all sizes and the block pattern) equals this config's, ignoring I and RoPE. */
    public List<String> matchingPresets() {
        List<String> out = new ArrayList<>();
        for (String name : PRESETS) {
            Evo2Config p = preset(name);
            if (p.hiddenSize == hiddenSize && p.pattern().equals(pattern()) && p.numAttentionHeads == numAttentionHeads
                    && p.hcsFilterGroups == hcsFilterGroups && p.hcmFilterGroups == hcmFilterGroups
                    && p.mlpInnerSize() == mlpInnerSize()) {
                out.add(name);
            }
        }
        return out;
    }

    /** Presets a checkpoint's tensors fit (same D, layers, block kinds, heads' packing, groups and I). */
    public static List<String> presetsMatching(Map<String, long[]> checkpointShapes) {
        List<String> out = new ArrayList<>();
        for (String name : PRESETS) {
            Map<String, long[]> want = preset(name).checkpointShapes(false);
            boolean ok = true;
            for (Map.Entry<String, long[]> e : want.entrySet()) {
                long[] got = checkpointShapes.get(e.getKey());
                if (got == null || !java.util.Arrays.equals(got, e.getValue())) {
                    ok = false;
                    break;
                }
            }
            if (ok && blockCount(checkpointShapes) == preset(name).numLayers) {
                out.add(name);
            }
        }
        return out;
    }

    private static int blockCount(Map<String, long[]> shapes) {
        TreeMap<Integer, Boolean> seen = new TreeMap<>();
        for (String k : shapes.keySet()) {
            if (k.startsWith("blocks.")) {
                int dot = k.indexOf('.', 7);
                if (dot > 7) {
                    try {
                        seen.put(Integer.parseInt(k.substring(7, dot)), true);
                    } catch (NumberFormatException ignored) {
                        // not a block index
                    }
                }
            }
        }
        return seen.size();
    }
}
