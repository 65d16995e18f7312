package org.evo2wb.engine.bench;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.evo2wb.engine.config.Evo2Config;
import org.evo2wb.engine.model.ModelArchitecture;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.score.Scorer;
import org.evo2wb.engine.score.ScoringOptions;

/**
 * Scoring speed on this machine:
 * <ol>
 *   <li>the tiny golden model ({@code tiny.pt} and {@code tiny.yml}, given as arguments or found on the class path
 *       at {@code /golden/}) scoring 2 × 300 bases, median of 20 calls after warm-up;</li>
 *   <li>a ≈1.1 M-parameter Evo 2-shaped model (D 128, head dim 128, I 384, blocks S D H * S, 8 filter groups) with
 *       random weights scoring batches of 4 × 2048 bases: bases/s.</li>
 * </ol>
 * Run: {@code mvn -o -q -pl engine exec:java -Dexec.mainClass=org.evo2wb.engine.bench.ScoreBenchmark
 * -Dexec.classpathScope=test}.
 */
public final class ScoreBenchmark {

    private ScoreBenchmark() {
    }

    /** About one million parameters in Evo 2's proportions (head dim 128, 16 channels per filter group). */
    public static ModelArchitecture small() {
        return new ModelArchitecture(512, 128, 5, Set.of(0, 4), Set.of(1), Set.of(2), Set.of(3), 384, 1e-6, 3, 8, 7,
                8, 128, 16, 1, 1.0, 10000, true);
    }

    public static void main(String[] args) throws Exception {
        Path tinyPath = args.length > 0 ? Path.of(args[0])
                : Path.of(ScoreBenchmark.class.getResource("/golden/tiny.pt").toURI());
        Path tinyYml = args.length > 1 ? Path.of(args[1]) : tinyPath.resolveSibling("tiny.yml");
        ai.djl.engine.Engine.getEngine("PyTorch");
        System.out.println("threads: torch intra-op " + ai.djl.pytorch.jni.JniUtils.getNumThreads()
                + ", CPUs " + Runtime.getRuntime().availableProcessors()
                + ", LD_PRELOAD=" + System.getenv().getOrDefault("LD_PRELOAD", ""));
        Random r = new Random(1);
        try (StripedHyena tiny = StripedHyena.load(tinyPath, Evo2Config.load(tinyYml), Device.cpu(), Precision.FP32)) {
            List<Scorer.Input> in = List.of(new Scorer.Input("a", dna(r, 300)), new Scorer.Input("b", dna(r, 300)));
            double ms = time(new Scorer(tiny, ScoringOptions.defaults().withBatchSize(2)), in, 10, 20) * 1e3;
            System.out.printf(Locale.ROOT, "tiny golden model: score 2 x 300 bases: median %.1f ms (%,.0f bases/s)%n",
                    ms, 600 / ms * 1e3);
        }
        try (StripedHyena small = StripedHyena.random(small(), 7, Device.cpu(), Precision.FP32)) {
            List<Scorer.Input> in = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                in.add(new Scorer.Input("s" + i, dna(r, 2048)));
            }
            double s = time(new Scorer(small, ScoringOptions.defaults().withBatchSize(4)), in, 2, 5);
            System.out.printf(Locale.ROOT, "%,d-parameter model: score 4 x 2048 bases: median %.1f ms, %,.0f bases/s%n",
                    small.parameterCount(), s * 1e3, 4 * 2048 / s);
        }
        System.out.println(MemoryStats.summary());
    }

    /**
     * Scoring speed of a loaded model: {@code batch} random sequences of {@code length} bases scored together,
     * median seconds of {@code reps} calls after {@code warmup}.
     *
     * @return median seconds per call
     */
    public static double run(StripedHyena model, int batch, int length, int warmup, int reps) {
        Random r = new Random(1);
        List<Scorer.Input> in = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            in.add(new Scorer.Input("s" + i, dna(r, length)));
        }
        return time(new Scorer(model, ScoringOptions.defaults().withBatchSize(batch)
                .withChunks(Math.max(length, 2), 1)), in, warmup, reps);
    }

    private static double time(Scorer scorer, List<Scorer.Input> in, int warmup, int reps) {
        double[] t = new double[reps];
        for (int i = 0; i < warmup + reps; i++) {
            long t0 = System.nanoTime();
            scorer.score(in);
            if (i >= warmup) {
                t[i - warmup] = (System.nanoTime() - t0) / 1e9;
            }
        }
        Arrays.sort(t);
        return t[reps / 2];
    }

    private static String dna(Random r, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append("ACGT".charAt(r.nextInt(4)));
        }
        return sb.toString();
    }
}
