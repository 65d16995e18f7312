package org.evo2wb.bio.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.evo2wb.bio.ReadProgress;
import org.evo2wb.bio.ReadSummary;
import org.evo2wb.bio.SequenceFiles;
import org.evo2wb.bio.SequenceRecord;
import org.evo2wb.bio.dataset.DatasetOptions;
import org.evo2wb.bio.dataset.TrainingDataset;

/**
 * Reading speed and heap use on real files (not a unit test). Reads each file three times and reports the best time,
 * then, with {@code --dataset L}, builds training windows of L tokens over all files together ({@code --no-reads}
 * skips the per-file timing). Run it with a small {@code -Xmx} to see how little heap reading needs.
 *
 * <pre>
 * mvn -o -q -pl bio-io test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=org.evo2wb.bio.bench.SequenceReadBenchmark \
 *   -Dexec.args="../../shared/data/fasta/kpneumoniae_NTUH-K2044.fna.xz"
 * </pre>
 */
public final class SequenceReadBenchmark {

    private SequenceReadBenchmark() {}

    public static void main(String[] args) throws Exception {
        List<Path> files = new ArrayList<>();
        int windowTokens = 0;
        boolean reads = true;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--no-reads")) {
                reads = false;
            } else if (args[i].equals("--dataset")) {
                windowTokens = Integer.parseInt(args[++i]);
            } else {
                files.add(Path.of(args[i]));
            }
        }
        for (Path f : reads ? files : List.<Path>of()) {
            long best = Long.MAX_VALUE;
            ReadSummary summary = null;
            long peak = 0;
            for (int run = 0; run < 3; run++) {
                System.gc();
                resetPeaks();
                long t0 = System.nanoTime();
                List<SequenceRecord> kept = new ArrayList<>();
                summary = SequenceFiles.forEach(f, ReadProgress.NONE, kept::add);
                best = Math.min(best, System.nanoTime() - t0);
                peak = Math.max(peak, peakHeap());
            }
            System.out.printf("%s: %s %s, %,d records, %,d bases, best of 3: %.0f ms (%.1f Mb/s), peak heap %.1f MB"
                    + " (%.2f x the bases)%n", f.getFileName(), summary.format(), summary.compression(),
                    summary.records(), summary.bases(), best / 1e6, summary.bases() / (best / 1e3),
                    peak / 1e6, peak / (double) summary.bases());
        }
        if (windowTokens > 0) {
            System.gc();
            resetPeaks();
            long t0 = System.nanoTime();
            TrainingDataset d = TrainingDataset.build(files, DatasetOptions.of(windowTokens), ReadProgress.NONE);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("dataset of %,d-token windows over %d files built in %,d ms, peak heap %.1f MB%n",
                    windowTokens, files.size(), ms, peakHeap() / 1e6);
            System.out.print(d.summary().describe(8));
        }
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /** Sum of the heap pools' peak use since the last reset (an upper bound: it includes garbage not yet freed). */
    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
