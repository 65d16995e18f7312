package org.evo2wb.engine.lora;

import ai.djl.Device;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.StripedHyena;

/** The tiny golden Evo 2 model (5 blocks: hcs, hcm, hcl, attention, hcs; D 64) from the test resources. */
public final class TinyModel {

    private TinyModel() {
    }

    /** Gives every adapter's B random values (normal, sd 0.05, seed 5, in map order), so that adapters change the output. */
    public static void randomiseB(java.util.Map<String, LoraLinear> adapters) {
        java.util.Random r = new java.util.Random(5);
        for (LoraLinear l : adapters.values()) {
            float[] v = new float[Math.toIntExact(l.loraB().getShape().size())];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextGaussian() * 0.05);
            }
            try (org.evo2wb.engine.model.GradMode off = org.evo2wb.engine.model.GradMode.disabled()) {
                l.loraB().set(v);
            }
        }
    }

    public static Path resource(String name) {
        try {
            var url = TinyModel.class.getResource("/" + name);
            if (url == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static StripedHyena load() throws IOException {
        return load(Precision.FP32);
    }

    public static StripedHyena load(Precision precision) throws IOException {
        return load(precision, org.evo2wb.engine.model.MasterWeights.NONE);
    }

    public static StripedHyena load(Precision precision, org.evo2wb.engine.model.MasterWeights masters)
            throws IOException {
        return StripedHyena.load(resource("golden/tiny.pt"), Evo2Config.load(resource("golden/tiny.yml")),
                device(), precision, masters);
    }

    /**
     * Where the tests put the tiny model: the CPU, or the device named by the system property
     * {@code evo2wb.testDevice} ({@code gpu0}) to run the same checks on a GPU.
     */
    public static Device device() {
        String d = System.getProperty("evo2wb.testDevice", "").trim();
        return d.isEmpty() ? Device.cpu() : Device.fromName(d);
    }
}
