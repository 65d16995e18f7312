package org.evo2wb.app.cli;

import org.evo2wb.engine.variants.VariantScoring;
import picocli.CommandLine.Option;

/**
 * {@code --window}: the bases around each variant that a command reads, the variant at index window/2; the same in
 * every command that scores or embeds variants in windows ({@code @Mixin}).
 */
final class VariantWindowOption {

    @Option(names = "--window", paramLabel = "<bases>",
            description = "Bases per window around each variant, the variant at index window/2. Default: 8192, or "
                    + "the model's context length if smaller.")
    Integer window;

    /** The window given, else {@link VariantScoring#defaultWindow} of the model's context length. */
    int bases(int context) {
        return window != null ? window : VariantScoring.defaultWindow(context);
    }
}
