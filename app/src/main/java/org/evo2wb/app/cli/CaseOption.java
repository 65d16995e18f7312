package org.evo2wb.app.cli;

import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code --keep-case}, the same in every command that scores records ({@code @Mixin}). */
final class CaseOption {

    @Option(names = "--keep-case", description = "Score lower-case (soft-masked) bases as they are. By default "
            + "every record is upper-cased first, as the Score view does: GenBank and EMBL files write every base in "
            + "lower case, which Evo 2 reads as a different, rarely seen letter.")
    boolean keepCase;

    /** The sequence as the model will read it. */
    String asRead(String sequence) {
        return keepCase ? sequence : sequence.toUpperCase(Locale.ROOT);
    }
}
