package org.evo2wb.engine.train.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The training data as an endless, numbered stream of batches. Batch {@code g} belongs to epoch
 * {@code g / batchesPerEpoch()}; each epoch visits every window once, in an order that depends only on
 * {@code (seed, epoch)}. The loop's position in the data is therefore one number, saved in each checkpoint, and a
 * resumed run sees exactly the batches an uninterrupted run would have seen.
 *
 * <p>The last batch of an epoch holds the remaining windows and may be smaller.
 */
public final class BatchStream {

    private final WindowSource windows;
    private final int batchSize;
    private final long seed;
    private long cachedEpoch = -1;
    private int[] cachedOrder;

    public BatchStream(WindowSource windows, int batchSize, long seed) {
        if (windows.size() == 0) {
            throw new IllegalArgumentException("there are no training windows");
        }
        this.windows = windows;
        this.batchSize = batchSize;
        this.seed = seed;
    }

    public int batchesPerEpoch() {
        return (windows.size() + batchSize - 1) / batchSize;
    }

    public long epochOf(long batchIndex) {
        return batchIndex / batchesPerEpoch();
    }

    /** The windows of batch {@code batchIndex} (0-based over the whole run). */
    public List<TokenWindow> batch(long batchIndex) {
        long epoch = epochOf(batchIndex);
        int within = (int) (batchIndex % batchesPerEpoch());
        int[] order = order(epoch);
        int from = within * batchSize;
        int to = Math.min(from + batchSize, order.length);
        List<TokenWindow> out = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            out.add(windows.get(order[i]));
        }
        return out;
    }

    private int[] order(long epoch) {
        if (epoch != cachedEpoch) {
            cachedOrder = epochOrder(windows.size(), seed, epoch);
            cachedEpoch = epoch;
        }
        return cachedOrder;
    }

    /** A permutation of {@code 0..n-1} fixed by (seed, epoch): Fisher–Yates with {@link Random} (specified by the JDK). */
    public static int[] epochOrder(int n, long seed, long epoch) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random random = new Random(mix(seed, epoch));
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** SplitMix64 finaliser of seed and a counter: nearby inputs give unrelated seeds. */
    public static long mix(long seed, long counter) {
        long z = seed * 0x9E3779B97F4A7C15L + counter + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
