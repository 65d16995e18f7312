package org.evo2wb.engine.model;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.nio.file.Files;
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

    /** tiny.yml (5 blocks hcs, hcm, hcl, attention, hcs; D 64, 2 heads, I 128). */
    static Evo2Config config() throws IOException {
        return Evo2Config.load(path("tiny.yml"));
    }

    /** tiny.yml with the 1M-context RoPE position interpolation (factor 128) switched on. */
    static Evo2Config interpolatedConfig() throws IOException {
        String yaml = Files.readString(path("tiny.yml")) + "\nuse_interpolated_rotary_pos_emb: true\n"
                + "rotary_emb_scaling_factor: 128\n";
        return Evo2Config.parse(yaml, "tiny.yml + interpolation");
    }

    /** The architecture of tiny.yml, optionally with RoPE interpolation factor 128. */
    static ModelArchitecture architecture(double ropeScaling) throws IOException {
        ModelArchitecture a = ModelArchitecture.of(ropeScaling == 1.0 ? config() : interpolatedConfig());
        if (a.ropeScalingFactor() != ropeScaling) {
            throw new IllegalStateException("unexpected RoPE scaling " + a.ropeScalingFactor());
        }
        return a;
    }
}
