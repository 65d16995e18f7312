package org.evo2wb.engine.fuzz;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A seeded mutation fuzzer over the workbench's file readers. Each execution takes a reader, one of its seeds, mutates
 * the seed's bytes ({@link FuzzTarget#mutate}), writes them to a file and reads that file on a worker thread, then
 * judges the outcome: read, or refused with the reader's exception naming the file, are fine; another exception,
 * a refusal that does not name the file, a read past {@link Settings#timeout()} or one that allocated more than
 * {@link Settings#allocationLimit(long)} are {@link Finding}s. The same settings and seeds give the same inputs.
 */
public final class Fuzzer {

    /**
     * How a run goes.
     *
     * @param seed the random seed: with the same seed files, the same inputs in the same order
     * @param executions how many inputs in all (across readers), or 0 for no limit
     * @param duration how long at most, or null for no limit
     * @param timeout the time bound of one read
     * @param work where inputs are written (each is deleted after its read unless it gave a finding)
     * @param keep where inputs that gave findings are kept, or null to keep none
     */
    public record Settings(long seed, long executions, Duration duration, Duration timeout, Path work, Path keep) {

        /** Heap one read may allocate for an input of {@code inputBytes}: 64 MiB plus 256 times the input. */
        public long allocationLimit(long inputBytes) {
            return (64L << 20) + 256L * inputBytes;
        }
    }

    /** Per reader: executions, inputs read, inputs refused. */
    public record TargetCounts(String target, int seeds, long executions, long read, long refused) {}

    /**
     * What a run did.
     *
     * @param findings the first finding of each distinct problem ({@link Finding#signature()}), with how often it
     *                 came up
     */
    public record Report(long seed, List<TargetCounts> targets, Map<Finding, Integer> findings, Duration elapsed) {

        public long executions() {
            return targets.stream().mapToLong(TargetCounts::executions).sum();
        }

        /** A few lines for a console. */
        public String format() {
            StringBuilder s = new StringBuilder(String.format(java.util.Locale.ROOT,
                    "fuzzing with seed %d: %,d executions in %.1f s (%.0f per second)%n", seed, executions(),
                    elapsed.toMillis() / 1e3, executions() / Math.max(1e-3, elapsed.toMillis() / 1e3)));
            for (TargetCounts t : targets) {
                s.append(String.format(java.util.Locale.ROOT, "  %-12s %d seeds, %,d executions: %,d read, %,d refused%n",
                        t.target(), t.seeds(), t.executions(), t.read(), t.refused()));
            }
            if (findings.isEmpty()) {
                s.append("  no findings\n");
            }
            findings.forEach((f, n) -> s.append("  FINDING (").append(n).append("×) ").append(f).append('\n'));
            return s.toString();
        }
    }

    private record Seed(String name, byte[] bytes) {}

    private enum Outcome { READ, REFUSED, FINDING }

    private final List<FuzzTarget> targets;
    private final Settings settings;
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    public Fuzzer(List<FuzzTarget> targets, Settings settings) {
        this.targets = List.copyOf(targets);
        this.settings = settings;
    }

    /** Runs until the execution count or the duration is reached; seeds are files each reader may take. */
    public Report run(List<Path> seedFiles) throws IOException {
        Files.createDirectories(settings.work());
        Map<FuzzTarget, List<Seed>> seeds = new LinkedHashMap<>();
        for (FuzzTarget t : targets) {
            List<Seed> mine = new ArrayList<>();
            for (Path p : seedFiles) {
                if (Files.isRegularFile(p) && t.accepts(p)) {
                    mine.add(new Seed(p.getFileName().toString(), Files.readAllBytes(p)));
                }
            }
            if (!mine.isEmpty()) {
                seeds.put(t, mine);
            }
        }
        if (seeds.isEmpty()) {
            throw new IOException("none of the " + seedFiles.size() + " seed files is a valid input of any reader ("
                    + targets.stream().map(FuzzTarget::name).toList() + ")");
        }
        List<FuzzTarget> active = new ArrayList<>(seeds.keySet());
        long[][] counts = new long[active.size()][3];
        Map<String, Finding> first = new LinkedHashMap<>();
        Map<String, Integer> times = new LinkedHashMap<>();
        SplittableRandom random = new SplittableRandom(settings.seed());
        long start = System.nanoTime();
        long deadline = settings.duration() == null ? Long.MAX_VALUE : start + settings.duration().toNanos();
        ExecutorService worker = newWorker();
        int abandoned = 0;
        try {
            for (long exec = 0; settings.executions() <= 0 || exec < settings.executions(); exec++) {
                if (System.nanoTime() > deadline) {
                    break;
                }
                int ti = (int) (exec % active.size());
                FuzzTarget target = active.get(ti);
                List<Seed> mine = seeds.get(target);
                Seed seed = mine.get(random.nextInt(mine.size()));
                byte[] input = target.mutate(seed.bytes(), random.split());
                Path file = settings.work().resolve("fuzz-" + exec + "-" + seed.name());
                Files.write(file, input);
                Finding finding = null;
                Outcome outcome;
                long execNo = exec;
                Future<Finding> f = worker.submit(() -> readOnce(target, file, execNo, input.length));
                try {
                    finding = f.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
                    outcome = finding == null ? null : Outcome.FINDING;
                } catch (TimeoutException e) {
                    f.cancel(true);
                    worker.shutdownNow();
                    worker = newWorker();
                    abandoned++;
                    finding = new Finding(Finding.Kind.HANG, target.name(), exec, "no result after "
                            + settings.timeout().toMillis() + " ms", "", null);
                    outcome = Outcome.FINDING;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                } catch (ExecutionException e) {
                    throw new IllegalStateException("the fuzzing worker failed", e.getCause());
                }
                if (outcome == null) {
                    outcome = lastOutcome.get();
                }
                counts[ti][0]++;
                if (outcome == Outcome.READ) {
                    counts[ti][1]++;
                } else if (outcome == Outcome.REFUSED) {
                    counts[ti][2]++;
                }
                if (finding != null) {
                    Path kept = null;
                    if (settings.keep() != null) {
                        Files.createDirectories(settings.keep());
                        kept = settings.keep().resolve(file.getFileName());
                        Files.copy(file, kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                    Finding withInput = new Finding(finding.kind(), finding.target(), finding.execution(),
                            finding.detail(), finding.where(), kept);
                    first.putIfAbsent(withInput.signature(), withInput);
                    times.merge(withInput.signature(), 1, Integer::sum);
                }
                if (outcome != Outcome.FINDING || abandoned == 0) {
                    Files.deleteIfExists(file);
                }
                if (abandoned >= 5) {
                    break; // threads stuck in reads that ignore interruption: stop before they eat the machine
                }
            }
        } finally {
            worker.shutdownNow();
        }
        List<TargetCounts> tc = new ArrayList<>();
        for (int i = 0; i < active.size(); i++) {
            tc.add(new TargetCounts(active.get(i).name(), seeds.get(active.get(i)).size(), counts[i][0], counts[i][1],
                    counts[i][2]));
        }
        Map<Finding, Integer> findings = new LinkedHashMap<>();
        first.forEach((sig, f) -> findings.put(f, times.get(sig)));
        return new Report(settings.seed(), tc, findings, Duration.ofNanos(System.nanoTime() - start));
    }

    private final java.util.concurrent.atomic.AtomicReference<Outcome> lastOutcome =
            new java.util.concurrent.atomic.AtomicReference<>();

    /** Reads one input on the worker thread; returns a finding, or null (then {@link #lastOutcome} says which). */
    private Finding readOnce(FuzzTarget target, Path file, long exec, long inputBytes) {
        long tid = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(tid);
        Throwable thrown = null;
        try {
            target.read(file);
        } catch (Throwable t) {
            thrown = t;
        }
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        String name = file.getFileName().toString();
        if (thrown != null && !target.refusal().isInstance(thrown)) {
            lastOutcome.set(Outcome.FINDING);
            return new Finding(Finding.Kind.UNEXPECTED_EXCEPTION, target.name(), exec, describe(thrown),
                    where(thrown), null);
        }
        if (thrown != null && (thrown.getMessage() == null || !thrown.getMessage().contains(name))) {
            lastOutcome.set(Outcome.FINDING);
            return new Finding(Finding.Kind.MESSAGE_WITHOUT_FILE, target.name(), exec, describe(thrown),
                    where(thrown), null);
        }
        if (allocated > settings.allocationLimit(inputBytes)) {
            lastOutcome.set(Outcome.FINDING);
            return new Finding(Finding.Kind.LARGE_ALLOCATION, target.name(), exec, String.format(java.util.Locale.ROOT,
                    "%,d bytes allocated reading an input of %,d bytes (%s)", allocated, inputBytes,
                    thrown == null ? "read" : "refused: " + thrown.getMessage()), "", null);
        }
        lastOutcome.set(thrown == null ? Outcome.READ : Outcome.REFUSED);
        return null;
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-reader");
            t.setDaemon(true);
            return t;
        });
    }

    static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getName() + ": " + (m == null ? "" : m.length() > 300 ? m.substring(0, 300) + "…" : m);
    }

    /** The first frame in the workbench's own code (not the fuzzer's), e.g. {@code GenbankParser.java:88}. */
    static String where(Throwable t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().startsWith("org.evo2wb.") && !e.getClassName().startsWith("org.evo2wb.engine.fuzz.")) {
                return e.getClassName().substring(e.getClassName().lastIndexOf('.') + 1) + "." + e.getMethodName()
                        + "(" + e.getFileName() + ":" + e.getLineNumber() + ")";
            }
        }
        return "";
    }
}
