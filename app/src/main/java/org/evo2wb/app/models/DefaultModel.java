package org.evo2wb.app.models;

import java.io.IOException;
import java.io.InputStream;
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
 *
 * <p>Weights inside a jar are copied once to a cache folder so that they can be memory-mapped.
 */
public final class DefaultModel {

    /** Class-path folder of the bundled model. */
    public static final String RESOURCE_FOLDER = "org/evo2wb/assets/default-model/";
    /** System property naming a folder that overrides the class-path folder. */
    public static final String PROPERTY = "evo2wb.defaultModel";

    static final List<String> WEIGHT_NAMES = List.of("model.safetensors", "model.pt");
    static final String NAME = "Bundled default model";

    private DefaultModel() {}

    /** The bundled model, or empty when it is not installed. */
    public static Optional<ModelSource> find() {
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
                    throw new IllegalStateException("the bundled default model (" + url + ") cannot be read: "
                            + e.getMessage(), e);
                }
            }
        }
        return Optional.empty();
    }

    /** What the Models view lists when the bundled model is missing. */
    public static String notInstalledMessage() {
        return "The bundled default model is not installed in this build (expected " + RESOURCE_FOLDER
                + "model.safetensors or model.pt, with config.yml and selftest.tsv, on the class path). "
                + "Open a checkpoint file instead.";
    }

    static Optional<ModelSource> inFolder(Path dir) {
        for (String w : WEIGHT_NAMES) {
            Path weights = dir.resolve(w);
            if (Files.isRegularFile(weights)) {
                return Optional.of(new ModelSource(ModelSource.Kind.DEFAULT, NAME, weights,
                        existing(dir.resolve("config.yml")), existing(dir.resolve("selftest.tsv"))));
            }
        }
        return Optional.empty();
    }

    private static Path existing(Path p) {
        return Files.isRegularFile(p) ? p : null;
    }

    private static ModelSource fromResources(ClassLoader loader, URL weights, String weightName)
            throws IOException, URISyntaxException {
        if (weights.getProtocol().equals("file")) {
            return inFolder(Path.of(weights.toURI()).getParent()).orElseThrow();
        }
        long size;
        try (InputStream in = weights.openStream()) {
            size = in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        Path cache = Path.of(System.getProperty("java.io.tmpdir"), "evo2wb-default-model-" + size);
        Files.createDirectories(cache);
        for (String name : List.of(weightName, "config.yml", "selftest.tsv")) {
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
