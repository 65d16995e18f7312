package org.evo2wb.engine.model;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.TorchCheckpoint;

/** The tiny golden model and reference tensors from the test resources. */
final class TinyGolden {

    private TinyGolden() {
    }

    static Path path(String name) {
        try {
            var url = TinyGolden.class.getResource("/golden/" + name);
            if (url == null) {
                throw new IllegalStateException("missing test resource golden/" + name);
            }
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, HostTensor> tensors(String name) throws IOException {
        return TorchCheckpoint.readTensors(path(name));
    }

    static HostTensor single(String name) throws IOException {
        try (TorchCheckpoint c = TorchCheckpoint.open(path(name))) {
            return c.singleTensor();
        }
    }

    /** The architecture of tiny.yml (5 blocks hcs, hcm, hcl, attention, hcs; D 64, 2 heads, I 128). */
    static ModelArchitecture architecture(double ropeScaling) {
        return new ModelArchitecture(512, 64, 5, Set.of(0, 4), Set.of(1), Set.of(2), Set.of(3), 128, 1e-6, 3,
                16, 7, 16, 128, 16, 2, ropeScaling, 10000, true);
    }
}
