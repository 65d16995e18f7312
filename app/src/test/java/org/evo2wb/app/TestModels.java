package org.evo2wb.app;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.Safetensors;
import org.evo2wb.engine.checkpoint.StorageType;
import org.evo2wb.engine.checkpoint.TorchCheckpoint;

/** Model files made from the tiny golden checkpoint for tests. */
public final class TestModels {

    private TestModels() {}

    /**
     * A second, different model: tiny.pt with the final norm's scale multiplied by {@code factor} (sharper or
     * flatter predictions), written as fp32 safetensors {@code tiny-scaled.safetensors} with its YAML beside it.
     */
    public static Path scaledTiny(Path dir, float factor) throws IOException {
        Map<String, HostTensor> tensors = new LinkedHashMap<>(TorchCheckpoint.readTensors(TestData.tinyCheckpoint()));
        tensors.remove("unembed.weight");
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            float[] v = e.getValue().toFloatArray();
            if (e.getKey().equals("norm.scale")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] *= factor;
                }
            }
            ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(v);
            out.put(e.getKey(), new HostTensor(StorageType.F32, e.getValue().shape(), b));
        }
        Path weights = dir.resolve("tiny-scaled.safetensors");
        Safetensors.write(weights, out, Map.of());
        Files.copy(TestData.tinyCheckpoint().resolveSibling("tiny.yml"), dir.resolve("tiny-scaled.yml"));
        return weights;
    }

    /**
     * tiny.pt with a config that gives it a context of {@code context} bases ({@code max_seqlen}), as
     * {@code tiny-short.pt} with {@code tiny-short.yml} beside it.
     */
    public static Path shortContextTiny(Path dir, int context) throws IOException {
        Path weights = dir.resolve("tiny-short.pt");
        Files.copy(TestData.tinyCheckpoint(), weights);
        String yml = Files.readString(TestData.tinyCheckpoint().resolveSibling("tiny.yml"));
        if (!yml.contains("max_seqlen: 8192")) {
            throw new IllegalStateException("tiny.yml no longer says max_seqlen: 8192");
        }
        Files.writeString(dir.resolve("tiny-short.yml"), yml.replace("max_seqlen: 8192", "max_seqlen: " + context));
        return weights;
    }
}
