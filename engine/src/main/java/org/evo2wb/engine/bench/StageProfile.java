package org.evo2wb.engine.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.evo2wb.engine.model.Block;
import org.evo2wb.engine.model.GradMode;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.model.Trace;

/**
 * Where a forward pass spends its time: each named intermediate of the pass ({@link Trace}) waits for the device and
 * the time since the previous one is added to its stage, keyed by block kind and stage ({@code hcl projections},
 * {@code attn attn}, {@code * mlp}, …). Waiting after every stage adds a read-back per stage, so the total is a little
 * above a plain forward's; the shares say which stages to work on.
 *
 * <p>Stages of a block, in order: {@code pre_norm}; Hyena: {@code projections}, {@code short_conv}, {@code filter}
 * (gates and the hcs/hcm/hcl filter), {@code out_filter_dense}; attention: {@code attn} (Wqkv, RoPE, the attention),
 * {@code out_proj}; then {@code post_norm} (mixer residual and norm), {@code mlp}, {@code out} (MLP residual).
 */
public final class StageProfile {

    private final Map<String, double[]> seconds = new TreeMap<>();
    private double total;

    private StageProfile() {
    }

    /**
     * Profiles a model with random weights of {@code arch} on random bases (B, L): one untimed forward, then
     * {@code repetitions} profiled ones.
     */
    public static StageProfile run(ai.djl.Device device, org.evo2wb.engine.model.ModelArchitecture arch, int batch,
                                   int length, int repetitions, org.evo2wb.engine.model.Precision precision) {
        try (StripedHyena model = StripedHyena.random(arch, 1234, device, precision);
             NDManager m = NDManager.newBaseManager(device)) {
            return run(model, ForwardBenchmark.randomBases(m, batch, length), 1, repetitions);
        }
    }

    /**
     * Runs {@code warmup} untimed and {@code repetitions} profiled forwards of {@code ids} (B, L), grad mode off.
     */
    public static StageProfile run(StripedHyena model, NDArray ids, int warmup, int repetitions) {
        StageProfile p = new StageProfile();
        try (GradMode g = GradMode.disabled(); NDManager m = NDManager.newBaseManager(model.device())) {
            NDArray probe = m.zeros(new ai.djl.ndarray.types.Shape(1));
            for (int i = 0; i < warmup + repetitions; i++) {
                boolean timed = i >= warmup;
                long[] last = {System.nanoTime()};
                Trace t = (name, value) -> {
                    probe.toFloatArray();                      // waits for the work queued so far
                    long now = System.nanoTime();
                    if (timed) {
                        p.add(stageOf(model, name), (now - last[0]) / 1e9);
                    }
                    last[0] = now;
                };
                long t0 = System.nanoTime();
                NDArray logits = model.forward(ids, t);
                probe.toFloatArray();
                if (timed) {
                    p.add("head", (System.nanoTime() - last[0]) / 1e9);
                    p.total += (System.nanoTime() - t0) / 1e9;
                }
                logits.close();
            }
            for (double[] s : p.seconds.values()) {
                s[0] /= repetitions;
                s[1] /= repetitions;
            }
            p.total /= repetitions;
        }
        return p;
    }

    /** "hcl projections" for blocks.5.projections of an hcl block, "* mlp" for any block's MLP. */
    static String stageOf(StripedHyena model, String name) {
        if (!name.startsWith("blocks.")) {
            return name;
        }
        int dot = name.indexOf('.', 7);
        int index = Integer.parseInt(name.substring(7, dot));
        String stage = name.substring(dot + 1);
        String kind = "?";
        for (Block b : model.blocks()) {
            if (b.index() == index) {
                kind = b.kind().specName();
            }
        }
        return switch (stage) {
            case "pre_norm", "post_norm", "mlp", "out" -> "* " + stage;
            default -> kind + " " + stage;
        };
    }

    private void add(String stage, double s) {
        double[] v = seconds.computeIfAbsent(stage, k -> new double[2]);
        v[0] += s;
        v[1] += 1;
    }

    /** Mean seconds per forward of each stage. */
    public Map<String, Double> secondsPerForward() {
        Map<String, Double> out = new TreeMap<>();
        seconds.forEach((k, v) -> out.put(k, v[0]));
        return out;
    }

    /** Mean seconds of a profiled forward, from its start to its logits. */
    public double totalSeconds() {
        return total;
    }

    /** A table: stage, ms per forward, share, calls per forward; largest first; then the total. */
    public String format() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-26s %10s %7s %6s%n", "stage", "ms",
                "share", "calls"));
        seconds.entrySet().stream()
                .sorted((a, b) -> Double.compare(b.getValue()[0], a.getValue()[0]))
                .forEach(e -> sb.append(String.format(Locale.ROOT, "%-26s %10.2f %6.1f%% %6.0f%n", e.getKey(),
                        e.getValue()[0] * 1e3, 100 * e.getValue()[0] / total, e.getValue()[1])));
        sb.append(String.format(Locale.ROOT, "%-26s %10.2f%n", "total (with a wait per stage)", total * 1e3));
        return sb.toString();
    }
}
