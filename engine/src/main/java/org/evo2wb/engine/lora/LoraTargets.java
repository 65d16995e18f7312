package org.evo2wb.engine.lora;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which linear layers get an adapter. A pattern names the end of a layer's checkpoint name, part by part
 * ({@code mlp.l1} matches {@code blocks.4.mlp.l1}; {@code Wqkv} matches {@code blocks.3.inner_mha_cls.Wqkv}); a
 * {@code *} matches any characters within one part ({@code blocks.1*.projections}). This is PEFT's
 * "target_modules" suffix rule, with globs.
 */
public final class LoraTargets {

    private LoraTargets() {
    }

    public static boolean matches(String layer, String pattern) {
        String[] name = layer.split("\\.");
        String[] pat = pattern.trim().split("\\.");
        if (pat.length > name.length) {
            return false;
        }
        for (int i = 1; i <= pat.length; i++) {
            if (!glob(pat[pat.length - i]).matcher(name[name.length - i]).matches()) {
                return false;
            }
        }
        return true;
    }

    public static boolean matchesAny(String layer, Collection<String> patterns) {
        return patterns.stream().anyMatch(p -> matches(layer, p));
    }

    /** The patterns that match none of the layers (to report them all at once). */
    public static List<String> unmatched(Collection<String> layers, Collection<String> patterns) {
        List<String> out = new ArrayList<>();
        for (String p : patterns) {
            if (layers.stream().noneMatch(l -> matches(l, p))) {
                out.add(p);
            }
        }
        return out;
    }

    private static Pattern glob(String part) {
        List<String> quoted = new ArrayList<>();
        for (String piece : part.split("\\*", -1)) {
            quoted.add(Pattern.quote(piece));
        }
        return Pattern.compile(String.join(".*", quoted));
    }
}
