package org.evo2wb.engine.score;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.evo2wb.engine.io.AtomicFiles;
import org.evo2wb.engine.model.StripedHyena;

/**
 * A model's self-test: a few fixed sequences and the mean per-base log-likelihood the model gave them when it was
 * made, kept next to the weights as {@code selftest.tsv}. Re-scoring them after loading (on another device, in
 * another precision, after an update) and comparing tells whether the model still computes what it did.
 *
 * <p>File format (UTF-8, tab-separated; lines starting with {@code #} are comments):
 * <pre>
 *   # Evo 2 self-test for &lt;model&gt;
 *   id&#9;sequence&#9;expected_mean_logprob&#9;tolerance
 *   acgt-repeat&#9;ACGTACGT…&#9;-1.23456789&#9;0.001
 * </pre>
 * {@code expected_mean_logprob} is {@link SequenceScore#mean()} in nats under {@link #OPTIONS} (no BOS, no
 * reverse complement, one forward pass per sequence); a case passes when |actual − expected| ≤ tolerance.
 *
 * <p>To write the file for a model, score {@link #standardSequences()} with it ({@link #generate}) and
 * {@link #write} the cases, or from the command line:
 * <pre>
 *   evo2wb selftest-table CHECKPOINT CONFIG.yml OUT.tsv [--tolerance NATS]
 * </pre>
 * (fp32 on the CPU, the reference path). The default tolerance {@value #DEFAULT_TOLERANCE} nats is far above the
 * fp32 differences between devices (about 1e-5) and far below what a wrong config, wrong weights or a broken
 * precision mode cause.
 */
public final class SelfTest {

    /** Tolerance written by {@code evo2wb selftest-table} unless one is given. */
    public static final double DEFAULT_TOLERANCE = 1e-3;

    /** How self-test sequences are scored: no BOS, forward strand only, batches of 4, one window up to 8192. */
    public static final ScoringOptions OPTIONS = ScoringOptions.defaults().withBatchSize(4);

    private static final String HEADER = "id\tsequence\texpected_mean_logprob\ttolerance";

    private SelfTest() {
    }

    /** One stored expectation. */
    public record Case(String id, String sequence, double expectedMean, double tolerance) {
    }

    /** One case re-scored. */
    public record Outcome(Case expected, double actualMean) {

        /** |actual − expected|, NaN-safe (a NaN result deviates infinitely). */
        public double deviation() {
            double d = Math.abs(actualMean - expected.expectedMean());
            return Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
        }

        public boolean passed() {
            return deviation() <= expected.tolerance();
        }
    }

    /** All outcomes; passed when every case passed. */
    public record Report(List<Outcome> outcomes) {

        public Report {
            outcomes = List.copyOf(outcomes);
        }

        public boolean passed() {
            return !outcomes.isEmpty() && outcomes.stream().allMatch(Outcome::passed);
        }

        public double maxDeviation() {
            return outcomes.stream().mapToDouble(Outcome::deviation).max().orElse(Double.NaN);
        }

        public long failures() {
            return outcomes.stream().filter(o -> !o.passed()).count();
        }

        /**
         * The verdict and one line per case, for a user: {@code Self-test passed: 6 of 6 sequences within tolerance;
         * max deviation 2.1e-06 nats (selftest.tsv)}, then {@code ok   acgt-repeat  400 bp  expected … got … Δ …}.
         *
         * @param source the name of the file the expectations came from
         */
        public String describe(String source) {
            StringBuilder sb = new StringBuilder();
            sb.append(passed() ? "Self-test passed" : "Self-test FAILED").append(String.format(Locale.ROOT,
                    ": %d of %d sequences within tolerance; max deviation %.2g nats (%s)", outcomes.size()
                            - failures(), outcomes.size(), maxDeviation(), source));
            for (Outcome o : outcomes) {
                sb.append(String.format(Locale.ROOT, "%n%s  %-12s %5d bp  expected %.5f  got %.5f  Δ %.2g (tol %.2g)",
                        o.passed() ? "ok  " : "FAIL", o.expected().id(), o.expected().sequence().length(),
                        o.expected().expectedMean(), o.actualMean(), o.deviation(), o.expected().tolerance()));
            }
            return sb.toString();
        }

        /** One line for a user: "passed: 6 sequences, max deviation 2.1e-06 nats". */
        public String summary() {
            return String.format(Locale.ROOT, "%s: %d of %d sequences within tolerance, max deviation %.2g nats",
                    passed() ? "passed" : "FAILED", outcomes.size() - failures(), outcomes.size(), maxDeviation());
        }
    }

    /**
     * The fixed sequences a self-test scores: simple repeats, a GC-rich and an AT-rich stretch, and pseudo-random
     * DNA from a fixed generator (so the set is the same on every machine), 2,450 bases in all.
     */
    public static List<Scorer.Input> standardSequences() {
        List<Scorer.Input> out = new ArrayList<>();
        out.add(new Scorer.Input("acgt-prefix", "ACGT".repeat(12) + "AC"));
        out.add(new Scorer.Input("acgt-repeat", "ACGT".repeat(100)));
        out.add(new Scorer.Input("gc-rich", pseudoRandom(300, 0x5eed01L, "GGCCGCGCAT")));
        out.add(new Scorer.Input("at-rich", pseudoRandom(300, 0x5eed02L, "AATTATATGC")));
        out.add(new Scorer.Input("random-400", pseudoRandom(400, 0x5eed03L, "ACGT")));
        out.add(new Scorer.Input("random-1000", pseudoRandom(1000, 0x5eed04L, "ACGT")));
        return out;
    }

    /** n letters drawn uniformly from {@code alphabet} by a 64-bit xorshift generator seeded with {@code seed}. */
    static String pseudoRandom(int n, long seed, String alphabet) {
        StringBuilder sb = new StringBuilder(n);
        long x = seed;
        for (int i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            sb.append(alphabet.charAt((int) Long.remainderUnsigned(x, alphabet.length())));
        }
        return sb.toString();
    }

    /** Scores the sequences and records their means as expectations with the given tolerance. */
    public static List<Case> generate(StripedHyena model, List<Scorer.Input> sequences, double tolerance) {
        List<SequenceScore> scores = new Scorer(model, OPTIONS).score(sequences);
        List<Case> out = new ArrayList<>();
        for (int i = 0; i < sequences.size(); i++) {
            out.add(new Case(sequences.get(i).id(), sequences.get(i).sequence(), scores.get(i).mean(), tolerance));
        }
        return out;
    }

    /** Re-scores every case. */
    public static Report run(StripedHyena model, List<Case> cases, LongConsumer progress, BooleanSupplier cancelled) {
        List<Scorer.Input> in = cases.stream().map(c -> new Scorer.Input(c.id(), c.sequence())).toList();
        List<SequenceScore> scores = new Scorer(model, OPTIONS).score(in, progress, cancelled);
        List<Outcome> out = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            out.add(new Outcome(cases.get(i), scores.get(i).mean()));
        }
        return new Report(out);
    }

    /** Tokens {@link #run} will process (its progress total). */
    public static long plannedTokens(StripedHyena model, List<Case> cases) {
        return new Scorer(model, OPTIONS).plannedTokens(
                cases.stream().map(c -> new Scorer.Input(c.id(), c.sequence())).toList());
    }

    /** Writes the cases (atomically) with a comment naming the model. */
    public static void write(Path file, String modelName, List<Case> cases) throws IOException {
        AtomicFiles.writeText(file, w -> {
            w.write("# Evo 2 self-test for " + modelName.replace('\n', ' ') + "\n");
            w.write("# expected_mean_logprob: mean log P(base | preceding bases) in nats, no BOS, fp32\n");
            w.write(HEADER + "\n");
            for (Case c : cases) {
                w.write(String.format(Locale.ROOT, "%s\t%s\t%.8f\t%s%n", c.id(), c.sequence(), c.expectedMean(),
                        Double.toString(c.tolerance())));
            }
        });
    }

    /** Reads a self-test file; a malformed line fails with a message naming the file, line and field. */
    public static List<Case> read(Path file) throws IOException {
        List<Case> out = new ArrayList<>();
        boolean header = false;
        int lineNo = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNo++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                if (!header) {
                    if (!line.strip().equals(HEADER)) {
                        throw new IOException(file + ", line " + lineNo + ": expected the header '"
                                + HEADER.replace("\t", "<TAB>") + "'");
                    }
                    header = true;
                    continue;
                }
                String[] f = line.split("\t", -1);
                if (f.length != 4) {
                    throw new IOException(file + ", line " + lineNo + ": expected 4 tab-separated fields, found "
                            + f.length);
                }
                if (f[1].isEmpty()) {
                    throw new IOException(file + ", line " + lineNo + ", case '" + f[0] + "': empty sequence");
                }
                double mean = number(file, lineNo, f[0], "expected_mean_logprob", f[2]);
                double tol = number(file, lineNo, f[0], "tolerance", f[3]);
                if (!(tol >= 0)) {
                    throw new IOException(file + ", line " + lineNo + ", case '" + f[0] + "': tolerance must be ≥ 0");
                }
                out.add(new Case(f[0], f[1], mean, tol));
            }
        }
        if (out.isEmpty()) {
            throw new IOException(file + ": no self-test cases" + (header ? "" : " (no header line)"));
        }
        return out;
    }

    private static double number(Path file, int line, String id, String field, String text) throws IOException {
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new IOException(file + ", line " + line + ", case '" + id + "', field " + field + ": '" + text
                    + "' is not a number");
        }
    }
}
