package org.evo2wb.app.cli;

import java.io.IOException;
import org.evo2wb.engine.variants.VariantScoring;
import picocli.CommandLine.Option;

/**
 * {@code --label} and {@code --positive-label}: the labels of a VCF's ALT alleles, read as {@link
 * VariantScoring.Labels#parse} reads them; the same in every command that takes labelled variants ({@code @Mixin}).
 */
final class VariantLabelOptions {

    @Option(names = "--label", paramLabel = "<INFO key|labels.tsv>",
            description = "Labels from this INFO key, or from a tab-separated label table (a value that names an "
                    + "existing file): chrom, pos, ref, alt, label, one ALT allele a row, with or without a header "
                    + "line. 1 = positive, 0 = negative, NA = unknown; or name the positive value with "
                    + "--positive-label. Scored alleles without a label are counted.")
    String label;

    @Option(names = "--positive-label", paramLabel = "<value>",
            description = "The --label value that marks a positive allele (any other value: negative).")
    String positiveLabel;

    /** Whether either option was given. */
    boolean given() {
        return label != null || positiveLabel != null;
    }

    /** The labels named, or null without --label; --positive-label alone is refused. */
    VariantScoring.Labels labels() throws IOException {
        if (label == null) {
            if (positiveLabel != null) {
                throw new IllegalArgumentException("--positive-label needs --label (the INFO key or label table that "
                        + "holds the labels)");
            }
            return null;
        }
        return VariantScoring.Labels.parse(label, positiveLabel);
    }
}
