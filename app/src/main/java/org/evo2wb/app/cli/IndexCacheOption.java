package org.evo2wb.app.cli;

import java.nio.file.Path;
import org.evo2wb.engine.variants.VariantScoring;
import picocli.CommandLine.Option;

/** {@code --index-cache}, the same in every command that reads a reference genome by its index ({@code @Mixin}). */
final class IndexCacheOption {

    @Option(names = "--index-cache", paramLabel = "<folder>",
            description = "Where reference indexes go when the reference's folder is read-only. Default: "
                    + "~/.evo2wb/cache/reference-index.")
    Path folder;

    /** The folder given, else {@link VariantScoring#defaultCacheFolder()}. */
    Path folder() {
        return folder != null ? folder : VariantScoring.defaultCacheFolder();
    }
}
