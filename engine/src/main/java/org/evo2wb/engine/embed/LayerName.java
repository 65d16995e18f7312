package org.evo2wb.engine.embed;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.evo2wb.engine.model.BlockKind;
import org.evo2wb.engine.model.ModelArchitecture;

/**
 * A layer whose output can be taken as an embedding, named as in the checkpoint, and the forward-pass intermediate
 * ({@link org.evo2wb.engine.model.Trace}) it reads:
 *
 * <pre>
 *   embedding_layer                     token embedding                   embedding
 *   blocks.N                            block N's output (residual)       blocks.N.out
 *   blocks.N.pre_norm / .post_norm      the block's RMSNorms              blocks.N.pre_norm / .post_norm
 *   blocks.N.mlp, blocks.N.mlp.l3       the gated MLP's output (l3)       blocks.N.mlp
 *   blocks.N.projections                Hyena input projections (3·D)    blocks.N.projections
 *   blocks.N.out_filter_dense           Hyena mixer output                blocks.N.out_filter_dense
 *   blocks.N.inner_mha_cls              attention before out_proj         blocks.N.attn
 *   blocks.N.inner_mha_cls.out_proj     attention mixer output            blocks.N.out_proj
 *   norm                                final RMSNorm                     final_norm
 * </pre>
 *
 * @param name the name as given
 * @param trace the intermediate's trace name
 * @param width values per base
 */
public record LayerName(String name, String trace, int width) {

    private static final Pattern BLOCK = Pattern.compile("blocks\\.(\\d+)(?:\\.(.+))?");

    /**
     * The layers a chooser offers for a model of {@code blocks} blocks: {@code embedding_layer}, {@code blocks.0} to
     * {@code blocks.(blocks−1)}, {@code norm} (sub-layers are typed by name).
     */
    public static List<String> offered(int blocks) {
        List<String> out = new ArrayList<>();
        out.add("embedding_layer");
        for (int i = 0; i < blocks; i++) {
            out.add("blocks." + i);
        }
        out.add("norm");
        return out;
    }

    /** Parses a comma-separated list; every problem is reported at once with the names this model offers. */
    public static List<LayerName> parseAll(String names, ModelArchitecture arch) {
        List<LayerName> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String n : names.split(",")) {
            String t = n.trim();
            if (t.isEmpty()) {
                continue;
            }
            try {
                LayerName l = parse(t, arch);
                if (out.stream().noneMatch(x -> x.name().equals(l.name()))) {
                    out.add(l);
                }
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no layer named; e.g. blocks." + (arch.numLayers() / 2));
        }
        return out;
    }

    public static LayerName parse(String name, ModelArchitecture arch) {
        int d = (int) arch.hidden();
        if (name.equals("embedding_layer") || name.equals("embedding")) {
            return new LayerName(name, "embedding", d);
        }
        if (name.equals("norm") || name.equals("final_norm")) {
            return new LayerName(name, "final_norm", d);
        }
        Matcher m = BLOCK.matcher(name);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a layer name: use embedding_layer, blocks.N, "
                    + "blocks.N.mlp.l3, blocks.N.pre_norm, ... or norm");
        }
        int i = Integer.parseInt(m.group(1));
        if (i >= arch.numLayers()) {
            throw new IllegalArgumentException("'" + name + "': the model has blocks 0 to " + (arch.numLayers() - 1));
        }
        String sub = m.group(2);
        String p = "blocks." + i;
        boolean attn = arch.kindOf(i) == BlockKind.ATTENTION;
        if (sub == null) {
            return new LayerName(name, p + ".out", d);
        }
        switch (sub) {
            case "pre_norm", "post_norm" -> {
                return new LayerName(name, p + "." + sub, d);
            }
            case "mlp", "mlp.l3" -> {
                return new LayerName(name, p + ".mlp", d);
            }
            default -> {
            }
        }
        if (!attn) {
            switch (sub) {
                case "projections" -> {
                    return new LayerName(name, p + ".projections", 3 * d);
                }
                case "out_filter_dense" -> {
                    return new LayerName(name, p + ".out_filter_dense", d);
                }
                default -> {
                }
            }
        } else {
            switch (sub) {
                case "inner_mha_cls" -> {
                    return new LayerName(name, p + ".attn", d);
                }
                case "inner_mha_cls.out_proj" -> {
                    return new LayerName(name, p + ".out_proj", d);
                }
                default -> {
                }
            }
        }
        throw new IllegalArgumentException("'" + name + "': block " + i + " (" + arch.kindOf(i) + ") has no "
                + "sub-layer output '" + sub + "'; it offers pre_norm, post_norm, mlp (mlp.l3), "
                + (attn ? "inner_mha_cls, inner_mha_cls.out_proj" : "projections, out_filter_dense"));
    }
}
