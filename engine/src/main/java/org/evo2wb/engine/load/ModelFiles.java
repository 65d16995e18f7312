package org.evo2wb.engine.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The files that go with a weights file {@code NAME.pt} (or {@code NAME.pt.part0}, {@code NAME.safetensors}) in its
 * folder: its config, the first of {@code NAME.yml}, {@code NAME.yaml}, {@code config.yml}, {@code config.yaml}; and
 * its self-test ({@link org.evo2wb.engine.score.SelfTest}), the first of {@code NAME.selftest.tsv},
 * {@code selftest.tsv}.
 */
public final class ModelFiles {

    private ModelFiles() {
    }

    /** The file name without {@code .pt}, {@code .pt.partN}, {@code .safetensors} or {@code .bin}. */
    public static String stem(String fileName) {
        return fileName.replaceFirst("\\.pt\\.part\\d+$", "").replaceFirst("\\.(pt|safetensors|bin)$", "");
    }

    /** The config YAML next to the weights, if there is one. */
    public static Optional<Path> configNextTo(Path weights) {
        String stem = stem(weights.getFileName().toString());
        return firstExisting(weights, stem + ".yml", stem + ".yaml", "config.yml", "config.yaml");
    }

    /** The self-test file next to the weights, if there is one. */
    public static Optional<Path> selfTestNextTo(Path weights) {
        return firstExisting(weights, stem(weights.getFileName().toString()) + ".selftest.tsv", "selftest.tsv");
    }

    private static Optional<Path> firstExisting(Path weights, String... names) {
        Path dir = weights.toAbsolutePath().getParent();
        for (String n : names) {
            Path p = dir.resolve(n);
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
