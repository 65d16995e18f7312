package org.evo2wb.engine.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * The model bundled with the workbench, looked for in one well-known place: the class-path folder
 * {@value #RESOURCE_FOLDER} (the {@code assets} module puts it there) holding {@code model.safetensors} or
 * {@code model.pt}, {@code config.yml} and {@code selftest.tsv}. The system property {@value #PROPERTY} may name a
 * folder of the same layout instead (for installs that keep the weights beside the application, and for tests).
 * The command line and the Models view both find it here ({@link ModelSpec} as {@code default}).
 *
 * <p>Weights inside a jar are copied once to a cache folder (named after their size, in {@code java.io.tmpdir}) so
 * that they can be memory-mapped.
 */
public final class DefaultModel {

    /** Class-path folder of the bundled model. */
    public static final String RESOURCE_FOLDER = "org/evo2wb/assets/default-model/";
    /** System property naming a folder that overrides the class-path folder. */
    public static final String PROPERTY = "evo2wb.defaultModel";
    /** What the user sees as the model's name. */
    public static final String NAME = "Bundled default model";

    private static final List<String> WEIGHT_NAMES = List.of("model.safetensors", "model.pt");
    private static final String CONFIG = "config.yml";
    private static final String SELF_TEST = "selftest.tsv";

    private DefaultModel() {
    }

    /**
     * The bundled model's files.
     *
     * @param weights the weights file
     * @param config its config YAML, or null when the folder has none
     * @param selfTest its self-test expectations, or null when the folder has none
     */
    public record Contents(Path weights, Path config, Path selfTest) {
    }

    /**
     * The bundled model, or empty when it is not installed (no weights in the folder the property names, or none
     * on the class path).
     *
     * @throws UncheckedIOException when the class-path copy cannot be read or cached
     */
    public static Optional<Contents> find() {
        String override = System.getProperty(PROPERTY);
        if (override != null && !override.isBlank()) {
            return inFolder(Path.of(override));
        }
        ClassLoader loader = DefaultModel.class.getClassLoader();
        for (String w : WEIGHT_NAMES) {
            URL url = loader.getResource(RESOURCE_FOLDER + w);
            if (url != null) {
                try {
                    return Optional.of(fromResources(loader, url, w));
                } catch (IOException | URISyntaxException e) {
                    throw new UncheckedIOException(new IOException("the bundled default model (" + url
                            + ") cannot be read: " + e.getMessage(), e));
                }
            }
        }
        return Optional.empty();
    }

    /** Why {@link #find()} found nothing, in words (starts lower-case; callers add what the user can do instead). */
    public static String notInstalledMessage() {
        String override = System.getProperty(PROPERTY);
        if (override != null && !override.isBlank()) {
            return "the bundled default model is not installed: the folder " + override + " named by the system "
                    + "property " + PROPERTY + " holds no model.safetensors or model.pt";
        }
        return "the bundled default model is not installed in this build (expected " + RESOURCE_FOLDER
                + "model.safetensors or model.pt, with " + CONFIG + " and " + SELF_TEST + ", on the class path)";
    }

    static Optional<Contents> inFolder(Path dir) {
        for (String w : WEIGHT_NAMES) {
            Path weights = dir.resolve(w);
            if (Files.isRegularFile(weights)) {
                return Optional.of(new Contents(weights, existing(dir.resolve(CONFIG)),
                        existing(dir.resolve(SELF_TEST))));
            }
        }
        return Optional.empty();
    }

    private static Path existing(Path p) {
        return Files.isRegularFile(p) ? p : null;
    }

    private static Contents fromResources(ClassLoader loader, URL weights, String weightName)
            throws IOException, URISyntaxException {
        if (weights.getProtocol().equals("file")) {
            return inFolder(Path.of(weights.toURI()).getParent()).orElseThrow();
        }
        long size;
        try (InputStream in = weights.openStream()) {
            size = in.transferTo(OutputStream.nullOutputStream());
        }
        Path cache = Path.of(System.getProperty("java.io.tmpdir"), "evo2wb-default-model-" + size);
        Files.createDirectories(cache);
        for (String name : List.of(weightName, CONFIG, SELF_TEST)) {
            Path target = cache.resolve(name);
            URL url = loader.getResource(RESOURCE_FOLDER + name);
            if (url != null && !Files.isRegularFile(target)) {
                Path tmp = Files.createTempFile(cache, name, ".part");
                try (InputStream in = url.openStream()) {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                }
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return inFolder(cache).orElseThrow();
    }
}
