package org.evo2wb.engine.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Flat YAML ↔ {@link Evo2Config}, with SnakeYAML's {@link SafeConstructor} (plain maps, lists and scalars only).
 * All problems of a file (missing required fields, wrong types, then {@link Evo2ConfigValidation}) are reported
 * together, each with the field name and, for present fields, its line.
 */
final class Evo2ConfigYaml {

    private static final Logger LOG = LoggerFactory.getLogger(Evo2ConfigYaml.class);

    /** Keys of the official YAMLs (or optional vortex keys) that the forward pass does not use; kept in other(). */
    private static final Set<String> KNOWN_UNUSED = Set.of("use_flash_rmsnorm", "use_flash_depthwise", "use_flashfft",
            "use_laughing_hyena", "inference_mode", "print_activations", "log_intermediate_values", "mlp_init_method",
            "mlp_output_init_method", "long_fir_threshold", "use_hcs_kernel", "use_hcm_kernel", "use_hcl_kernel",
            "attn_block_dtype", "hyena_block_dtype", "mlp_dtype", "smeared_gqa");

    private Evo2ConfigYaml() {}

    static Evo2Config read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    static Evo2Config parse(String text, String source) {
        LoaderOptions opts = new LoaderOptions();
        opts.setAllowDuplicateKeys(false);
        Object loaded;
        Map<String, Integer> lines = new HashMap<>();
        try {
            Yaml yaml = new Yaml(new SafeConstructor(opts));
            loaded = yaml.load(text);
            Node node = new Yaml(new SafeConstructor(opts)).compose(new java.io.StringReader(text));
            if (node instanceof MappingNode m) {
                for (NodeTuple t : m.getValue()) {
                    if (t.getKeyNode() instanceof ScalarNode k) {
                        lines.put(k.getValue(), k.getStartMark().getLine() + 1);
                    }
                }
            }
        } catch (MarkedYAMLException e) {
            throw new Evo2ConfigException(source, List.of("line " + (e.getProblemMark().getLine() + 1) + ": "
                    + e.getProblem()));
        } catch (YAMLException e) {
            throw new Evo2ConfigException(source, List.of("not readable as YAML: " + e.getMessage()));
        }
        if (!(loaded instanceof Map<?, ?> raw)) {
            throw new Evo2ConfigException(source, List.of("expected a mapping of field: value, got "
                    + (loaded == null ? "an empty document" : loaded.getClass().getSimpleName())));
        }
        Fields f = new Fields(raw, lines);
        int hidden = f.reqInt("hidden_size");
        Evo2Config c = new Evo2Config(
                f.optStr("model_name", ""), f.reqInt("vocab_size"), hidden, f.optInt("num_filters", hidden),
                f.reqInt("num_layers"),
                f.reqIdx("hcs_layer_idxs"), f.reqIdx("hcm_layer_idxs"), f.reqIdx("hcl_layer_idxs"),
                f.reqIdx("attn_layer_idxs"),
                f.reqInt("hcs_filter_length"), f.reqInt("hcs_filter_groups"), f.reqInt("hcm_filter_length"),
                f.reqInt("hcm_filter_groups"), f.optInt("hcl_filter_groups", hidden), f.optInt("hyena_filter_groups", 1),
                f.reqInt("short_filter_length"), f.optBool("short_filter_bias"), f.reqInt("state_size"),
                f.reqInt("num_attention_heads"), f.optInt("proj_groups", 1), f.optDouble("rotary_emb_base", 10000),
                f.optBool("use_interpolated_rotary_pos_emb"), f.optDouble("rotary_emb_scaling_factor", 1),
                f.optInteger("inner_mlp_size"), f.optInt("inner_size_multiple_of", 0),
                f.optInt("make_vocab_size_divisible_by", 8), f.optStr("mlp_activation", "gelu"),
                f.optBool("evo2_style_activations"), f.reqDouble("eps"),
                f.optBool("column_split_hyena"), f.optBool("column_split"), f.optBool("interleave"),
                f.optBool("hyena_flip_x1x2"), f.optBool("qkv_proj_bias"), f.optBool("hyena_out_proj_bias"),
                f.optBool("mha_out_proj_bias"), f.optBool("tie_embeddings"), f.optBool("final_norm"),
                f.optBool("use_fp8_input_projections"), f.optBool("use_flash_attn"), f.optInt("max_seqlen", 8192),
                f.optInt("max_batch_size", 1), f.optInt("model_parallel_size", 1), f.optInt("pipe_parallel_size", 1),
                f.optStr("tokenizer_type", "CharLevelTokenizer"), f.optStr("prefill_style", "fft"),
                f.rest(source));
        List<String> problems = new ArrayList<>(f.problems);
        if (problems.isEmpty()) {
            problems.addAll(c.problems());
        }
        if (!problems.isEmpty()) {
            throw new Evo2ConfigException(source, problems);
        }
        return c;
    }

    static String write(Evo2Config c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model_name", c.modelName());
        m.put("vocab_size", c.vocabSize());
        m.put("hidden_size", c.hiddenSize());
        m.put("num_filters", c.numFilters());
        m.put("hcl_layer_idxs", c.hclLayerIdxs());
        m.put("hcm_layer_idxs", c.hcmLayerIdxs());
        m.put("hcs_layer_idxs", c.hcsLayerIdxs());
        m.put("attn_layer_idxs", c.attnLayerIdxs());
        m.put("hcm_filter_length", c.hcmFilterLength());
        m.put("hcl_filter_groups", c.hclFilterGroups());
        m.put("hcm_filter_groups", c.hcmFilterGroups());
        m.put("hcs_filter_groups", c.hcsFilterGroups());
        m.put("hcs_filter_length", c.hcsFilterLength());
        m.put("num_layers", c.numLayers());
        m.put("short_filter_length", c.shortFilterLength());
        m.put("num_attention_heads", c.numAttentionHeads());
        m.put("short_filter_bias", c.shortFilterBias());
        m.put("eps", c.eps());
        m.put("state_size", c.stateSize());
        m.put("rotary_emb_base", number(c.rotaryEmbBase()));
        if (c.useInterpolatedRotaryPosEmb() || c.rotaryEmbScalingFactor() != 1) {
            m.put("use_interpolated_rotary_pos_emb", c.useInterpolatedRotaryPosEmb());
            m.put("rotary_emb_scaling_factor", number(c.rotaryEmbScalingFactor()));
        }
        m.put("make_vocab_size_divisible_by", c.makeVocabSizeDivisibleBy());
        if (c.innerSizeMultipleOf() != 0) {
            m.put("inner_size_multiple_of", c.innerSizeMultipleOf());
        }
        if (c.innerMlpSize() != null) {
            m.put("inner_mlp_size", c.innerMlpSize());
        }
        m.put("proj_groups", c.projGroups());
        m.put("hyena_filter_groups", c.hyenaFilterGroups());
        m.put("column_split_hyena", c.columnSplitHyena());
        m.put("column_split", c.columnSplit());
        m.put("interleave", c.interleave());
        m.put("evo2_style_activations", c.evo2StyleActivations());
        m.put("model_parallel_size", c.modelParallelSize());
        m.put("pipe_parallel_size", c.pipeParallelSize());
        m.put("tie_embeddings", c.tieEmbeddings());
        m.put("mha_out_proj_bias", c.mhaOutProjBias());
        m.put("hyena_out_proj_bias", c.hyenaOutProjBias());
        m.put("hyena_flip_x1x2", c.hyenaFlipX1x2());
        m.put("qkv_proj_bias", c.qkvProjBias());
        m.put("use_fp8_input_projections", c.useFp8InputProjections());
        m.put("max_seqlen", c.maxSeqlen());
        m.put("max_batch_size", c.maxBatchSize());
        m.put("final_norm", c.finalNorm());
        m.put("use_flash_attn", c.useFlashAttn());
        m.put("tokenizer_type", c.tokenizerType());
        m.put("prefill_style", c.prefillStyle());
        m.put("mlp_activation", c.mlpActivation());
        m.putAll(c.other());
        DumperOptions d = new DumperOptions();
        d.setDefaultFlowStyle(DumperOptions.FlowStyle.AUTO);
        return new Yaml(new Representer(d), d).dump(m);
    }

    private static Object number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? (Object) (long) v : (Object) v;
    }

    /** Typed access to the raw map, collecting problems instead of stopping at the first. */
    private static final class Fields {
        final Map<?, ?> raw;
        final Map<String, Integer> lines;
        final List<String> problems = new ArrayList<>();
        final Set<String> used = new java.util.HashSet<>();

        Fields(Map<?, ?> raw, Map<String, Integer> lines) {
            this.raw = raw;
            this.lines = lines;
        }

        private String at(String key) {
            Integer l = lines.get(key);
            return (l == null ? "" : "line " + l + ": ") + "field '" + key + "'";
        }

        private Object get(String key) {
            used.add(key);
            return raw.get(key);
        }

        int reqInt(String key) {
            if (!raw.containsKey(key)) {
                problems.add("missing required field '" + key + "'");
                return 0;
            }
            return toInt(key, get(key));
        }

        int optInt(String key, int def) {
            Object v = get(key);
            return v != null ? toInt(key, v) : def;
        }

        Integer optInteger(String key) {
            Object v = get(key);
            return v != null ? (Integer) toInt(key, v) : null;
        }

        private int toInt(String key, Object v) {
            if ((v instanceof Integer || v instanceof Long) && ((Number) v).longValue() == ((Number) v).intValue()) {
                return ((Number) v).intValue();
            }
            problems.add(at(key) + " must be an integer, got '" + v + "'");
            return 0;
        }

        double reqDouble(String key) {
            if (!raw.containsKey(key)) {
                problems.add("missing required field '" + key + "'");
                return 0;
            }
            return toDouble(key, get(key));
        }

        double optDouble(String key, double def) {
            Object v = get(key);
            return v != null ? toDouble(key, v) : def;
        }

        /** Numbers, and numeric strings: YAML 1.1 reads {@code 1e-06} (no dot) as a string. */
        private double toDouble(String key, Object v) {
            if (v instanceof Number n) {
                return n.doubleValue();
            }
            if (v instanceof String s) {
                try {
                    return Double.parseDouble(s.trim());
                } catch (NumberFormatException ignored) {
                    // reported below
                }
            }
            problems.add(at(key) + " must be a number, got '" + v + "'");
            return 0;
        }

        boolean optBool(String key) {
            Object v = get(key);
            if (v == null) {
                return false;
            }
            if (v instanceof Boolean b) {
                return b;
            }
            problems.add(at(key) + " must be true or false, got '" + v + "'");
            return false;
        }

        String optStr(String key, String def) {
            Object v = get(key);
            return v == null ? def : String.valueOf(v);
        }

        List<Integer> reqIdx(String key) {
            if (!raw.containsKey(key)) {
                problems.add("missing required field '" + key + "'");
                return List.of();
            }
            Object v = get(key);
            List<Integer> out = new ArrayList<>();
            if (v instanceof List<?> l) {
                for (Object o : l) {
                    if (o instanceof Integer i) {
                        out.add(i);
                    } else {
                        problems.add(at(key) + " must list layer numbers, found '" + o + "'");
                    }
                }
            } else if (v != null) {
                problems.add(at(key) + " must be a list of layer numbers, got '" + v + "'");
            }
            return out;
        }

        Map<String, Object> rest(String source) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : raw.entrySet()) {
                String k = String.valueOf(e.getKey());
                if (used.contains(k)) {
                    continue;
                }
                out.put(k, e.getValue());
                if (!KNOWN_UNUSED.contains(k)) {
                    LOG.debug("{}: {}: not an Evo 2 config field the engine uses; kept as is", source, at(k));
                }
            }
            return out;
        }
    }
}
