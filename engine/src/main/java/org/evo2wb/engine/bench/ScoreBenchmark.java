package org.evo2wb.engine.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.score.Scorer;
import org.evo2wb.engine.score.ScoringOptions;

/**
 * Scoring speed on this machine:
 * <ol>
 *   <li>the tiny golden model ({@code tiny.pt} and {@code tiny.yml}, given as arguments or found on the class path
 *       at {@code /golden/}) scoring 2 × 300 bases, median of 20 calls after warm-up;</li>
 *   <li>a ≈1.1 M-parameter Evo 2-shaped model (D 128, head dim 128, I 384, blocks S D H * S, 8 filter groups) with
 *       random weights scoring 8 × 1024, 4 × 2048 and 1 × 8192 bases: bases/s.</li>
 * </ol>
 * System property {@code bench.shapes} (e.g. {@code 8x1024,4x2048}) picks the batch shapes of the second part.
 * Each figure follows a warm-up of at least 3 s. Native allocation matters a great deal on virtual machines where
 * page faults are expensive: compare runs with and without {@code LD_PRELOAD=libjemalloc.so.2} (see
 * {@code docs/decisions/0005-native-allocator.md}).
 * Run: {@code evo2wb bench score}.
 */
public final class ScoreBenchmark {

    private ScoreBenchmark() {
    }

    /**
     * Scoring speed of a loaded model: {@code batch} random sequences of {@code length} bases scored together,
     * median seconds of {@code reps} calls after a warm-up of at least {@code warmup} calls and 3 s.
     *
     * @return median seconds per call
     */
    public static double run(StripedHyena model, int batch, int length, int warmup, int reps) {
        Random r = new Random(1);
        List<Scorer.Input> in = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            in.add(new Scorer.Input("s" + i, dna(r, length)));
        }
        Scorer scorer = new Scorer(model, ScoringOptions.defaults().withBatchSize(batch)
                .withChunks(Math.max(length, 2), 1));
        for (int i = 0; i < warmup; i++) {
            scorer.score(in);
        }
        return time(scorer, in, reps)[0];
    }

    /**
     * Warms up for at least 3 s (and 3 calls), then times {@code reps} calls: {median wall, min wall, mean process
     * CPU} in seconds, then minor page faults per call. Process CPU time is the figure least disturbed by other load on a shared machine.
     */
    private static double[] time(Scorer scorer, List<Scorer.Input> in, int reps) {
        long warmEnd = System.nanoTime() + 3_000_000_000L;
        for (int i = 0; i < 3 || System.nanoTime() < warmEnd; i++) {
            scorer.score(in);
        }
        double[] t = new double[reps];
        long cpu0 = MemoryStats.processCpuNanos();
        long faults0 = MemoryStats.minorFaults();
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            scorer.score(in);
            t[i] = (System.nanoTime() - t0) / 1e9;
        }
        double cpu = (MemoryStats.processCpuNanos() - cpu0) / 1e9 / reps;
        double faults = (MemoryStats.minorFaults() - faults0) / (double) reps;
        Arrays.sort(t);
        return new double[] {t[reps / 2], t[0], cpu, faults};
    }

    /** Parses {@code "8x1024,4x2048"} into (batch, length) pairs. */
    static int[][] shapes(String spec) {
        String[] parts = spec.split(",");
        int[][] out = new int[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            String[] bl = parts[i].trim().split("x");
            out[i] = new int[] {Integer.parseInt(bl[0]), Integer.parseInt(bl[1])};
        }
        return out;
    }

    private static String dna(Random r, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append("ACGT".charAt(r.nextInt(4)));
        }
        return sb.toString();
    }
}
