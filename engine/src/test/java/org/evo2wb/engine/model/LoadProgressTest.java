package org.evo2wb.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

/** Loading reports every converted tensor and can be stopped between tensors. */
class LoadProgressTest {

    @Test
    void reportsEachTensorUpToTheTotalAndStopsWhenTheListenerThrows() throws Exception {
        List<int[]> seen = new ArrayList<>();
        try (StripedHyena m = StripedHyena.load(TinyGolden.path("tiny.pt"), TinyGolden.config(), Device.cpu(),
                Precision.FP32, (read, total) -> seen.add(new int[] {read, total}))) {
            int total = seen.get(0)[1];
            assertEquals(m.parameters().size(), total);
            assertEquals(total, seen.size());
            for (int i = 0; i < seen.size(); i++) {
                assertEquals(i + 1, seen.get(i)[0]);
            }
        }
        assertThrows(CancellationException.class, () -> StripedHyena.load(TinyGolden.path("tiny.pt"),
                TinyGolden.config(), Device.cpu(), Precision.FP32, (read, total) -> {
                    if (read == 10) {
                        throw new CancellationException("stop");
                    }
                }));
    }
}
