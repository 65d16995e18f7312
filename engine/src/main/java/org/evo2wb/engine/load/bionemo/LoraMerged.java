package org.evo2wb.engine.load.bionemo;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.evo2wb.engine.checkpoint.CheckpointFormatException;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.StorageType;
import org.evo2wb.engine.checkpoint.TensorInfo;

/**
 * A base model with a Megatron Bridge LoRA checkpoint's adapters folded in: for every wrapped module {@code m},
 * {@code m.weight + alpha/dim · m.adapter.linear_out.weight @ m.adapter.linear_in.weight} (Megatron Bridge's
 * {@code LoRAMerge}), computed in float64 and kept in fp32. Every other tensor is the base model's.
 */
final class LoraMerged implements NamedTensors {

    private static final String IN = ".adapter.linear_in.weight";
    private static final String OUT = ".adapter.linear_out.weight";

    private final NamedTensors base;
    private final NamedTensors adapters;
    private final double scale;
    private final Map<String, String> adapted = new LinkedHashMap<>();   // base weight key -> module
    private final Map<String, TensorInfo> infos = new LinkedHashMap<>();

    /**
     * @param dim   the LoRA rank ({@code peft.dim} of the run config); checked against the adapters' shapes
     * @param alpha the LoRA alpha ({@code peft.alpha})
     */
    LoraMerged(NamedTensors base, NamedTensors adapters, int dim, double alpha) throws CheckpointFormatException {
        this.base = base;
        this.adapters = adapters;
        this.scale = alpha / dim;
        Map<String, TensorInfo> b = base.infos();
        Map<String, TensorInfo> a = adapters.infos();
        for (String k : a.keySet()) {
            if (!isAdapter(k)) {
                continue;
            }
            String module = k.substring(0, k.length() - IN.length());
            String w = module + ".weight";
            TensorInfo in = a.get(k);
            TensorInfo out = a.get(module + OUT);
            TensorInfo wi = b.get(w);
            if (out == null) {
                throw new CheckpointFormatException(adapters.name() + ": adapter '" + k + "' has no '" + module + OUT
                        + "'");
            }
            if (wi == null) {
                throw new CheckpointFormatException(adapters.name() + ": adapter of '" + module + "' but the base "
                        + "model " + base.name() + " has no '" + w + "'");
            }
            long[] ws = wi.shape();
            long[] is = in.shape();
            long[] os = out.shape();
            if (ws.length != 2 || is.length != 2 || os.length != 2 || is[0] != dim || os[1] != dim
                    || is[1] != ws[1] || os[0] != ws[0]) {
                throw new CheckpointFormatException(adapters.name() + ": adapter of '" + module + "' has linear_in "
                        + Arrays.toString(is) + " and linear_out " + Arrays.toString(os) + ", which do not fit the "
                        + "base weight " + Arrays.toString(ws) + " with LoRA rank " + dim);
            }
            adapted.put(w, module);
        }
        if (adapted.isEmpty()) {
            throw new CheckpointFormatException(adapters.name() + ": a LoRA checkpoint without adapters (no '*"
                    + IN + "' tensor)");
        }
        b.forEach((k, v) -> infos.put(k, adapted.containsKey(k) ? new TensorInfo(StorageType.F32, v.shape()) : v));
    }

    /** True for an adapter's {@code linear_in} weight (not the optimizer's state of one). */
    static boolean isAdapter(String key) {
        return key.endsWith(IN) && !key.startsWith("optimizer.");
    }

    /** How many weights the adapters change. */
    int adaptedCount() {
        return adapted.size();
    }

    @Override
    public String name() {
        return adapters.name() + " on " + base.name();
    }

    @Override
    public Map<String, TensorInfo> infos() {
        return infos;
    }

    @Override
    public HostTensor tensor(String key) throws IOException {
        String module = adapted.get(key);
        if (module == null) {
            return base.tensor(key);
        }
        HostTensor w = base.tensor(key);
        float[] wv = w.toFloatArray();
        float[] a = adapters.tensor(module + IN).toFloatArray();   // (dim, in)
        float[] bm = adapters.tensor(module + OUT).toFloatArray(); // (out, dim)
        int rows = (int) w.shape()[0];
        int cols = (int) w.shape()[1];
        int dim = a.length / cols;
        float[] merged = new float[wv.length];
        double[] row = new double[cols];
        for (int o = 0; o < rows; o++) {
            Arrays.fill(row, 0);
            for (int k = 0; k < dim; k++) {
                double bk = bm[o * dim + k];
                int ak = k * cols;
                for (int i = 0; i < cols; i++) {
                    row[i] += bk * a[ak + i];
                }
            }
            for (int i = 0; i < cols; i++) {
                merged[o * cols + i] = (float) (wv[o * cols + i] + scale * row[i]);
            }
        }
        return VortexMapping.f32(w.shape(), merged);
    }

    @Override
    public void close() throws IOException {
        try {
            adapters.close();
        } finally {
            base.close();
        }
    }
}
