package org.evo2wb.engine.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.nio.file.Path;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.model.ModelArchitecture;
import org.evo2wb.engine.model.Precision;
import org.junit.jupiter.api.Test;

class ForwardBenchmarkTest {

    @Test
    void reportsThroughputAndMemoryOfARandomModel() throws Exception {
        Evo2Config tiny = Evo2Config.load(Path.of(getClass().getResource("/golden/tiny.yml").toURI()));
        ForwardBenchmark.Result r = ForwardBenchmark.run("tiny", ModelArchitecture.of(tiny), 2, 64, 1, 3,
                Device.cpu(), Precision.FP32);
        System.out.println(r.format());
        assertEquals(tiny.parameterCount(), r.parameters());
        assertEquals(3, r.seconds().length);
        assertTrue(r.tokensPerSecond() > 0 && Double.isFinite(r.tokensPerSecond()));
        assertTrue(r.rssBytes() > 0 && r.peakRssBytes() >= r.rssBytes(), r.format());
        assertTrue(r.format().contains("tokens/s"));
    }
}
