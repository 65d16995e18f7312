package org.evo2wb.engine.load.bionemo;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.stream.Stream;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.TorchCheckpoint;
import org.junit.jupiter.api.Assumptions;

/**
 * The BioNeMo checkpoints of the golden tiny model made by {@code bionemo-fixtures/make_fixtures.py} (PyTorch; see
 * its docstring), and the golden model itself.
 */
final class BioNeMoFixtures {

    private BioNeMoFixtures() {}

    /** Why a test that reads them is skipped when the fixtures are absent. */
    static final String NOT_GENERATED = "BioNeMo fixtures not generated: run make_fixtures.py (needs PyTorch)";

    /**
     * A path under {@code bionemo-fixtures/generated/}; the calling test is skipped (a failed assumption naming
     * {@link #NOT_GENERATED}) when the fixtures have not been generated.
     */
    static Path generated(String name) {
        Assumptions.assumeTrue(BioNeMoFixtures.class.getResource("/bionemo-fixtures/generated/MANIFEST.txt") != null,
                NOT_GENERATED);
        return resource("/bionemo-fixtures/generated/" + name);
    }

    /** A path under {@code golden/}. */
    static Path golden(String name) {
        return resource("/golden/" + name);
    }

    static Map<String, HostTensor> tensors(Path file) throws IOException {
        return TorchCheckpoint.readTensors(file);
    }

    /** Copies a folder tree (the fixtures are read-only resources; some tests change a copy). */
    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static Path resource(String name) {
        try {
            var url = BioNeMoFixtures.class.getResource(name);
            if (url == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
