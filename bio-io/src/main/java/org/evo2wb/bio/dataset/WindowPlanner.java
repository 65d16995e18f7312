package org.evo2wb.bio.dataset;

import java.util.ArrayList;
import java.util.List;

/** Cuts each record into windows (see {@link DatasetOptions}), applies the N filter and the strand augmentation. */
final class WindowPlanner {

    /** What planning produced. */
    record Plan(long[] train, long[] validation, int droppedForN, int shortWindows) {}

    private WindowPlanner() {}

    /** Window starts for a record of {@code n} bases: 0, stride, ...; plus one window ending at the record end. */
    static int[] starts(int n, int basesPerWindow, int stride) {
        if (n <= basesPerWindow) {
            return new int[] {0};
        }
        int count = (n - basesPerWindow) / stride + 1;
        int last = (count - 1) * stride;
        boolean tail = last + basesPerWindow < n;
        int[] starts = new int[count + (tail ? 1 : 0)];
        for (int i = 0; i < count; i++) {
            starts[i] = i * stride;
        }
        if (tail) {
            starts[count] = n - basesPerWindow;
        }
        return starts;
    }

    static Plan plan(Corpus corpus, DatasetOptions o, boolean[] validation) {
        return plan(corpus, o, validation, null);
    }

    /** {@link #plan(Corpus, DatasetOptions, boolean[])} holding out the blocks of one record when given. */
    static Plan plan(Corpus corpus, DatasetOptions o, boolean[] validation, BlockHoldOut blocks) {
        LongList train = new LongList();
        LongList val = new LongList();
        int dropped = 0;
        int shortWindows = 0;
        int b = o.basesPerWindow();
        for (int r = 0; r < corpus.size(); r++) {
            String bases = corpus.sequence(r);
            if (blocks != null && blocks.record() == r) {
                for (int start : blocks.validationStarts(b, o.stride())) {
                    if (!tooManyN(bases, start, Math.min(bases.length(), start + b), o)) {
                        val.add(WindowSet.pack(r, start, false));
                    }
                }
            }
            for (int start : starts(bases.length(), b, o.stride())) {
                int end = Math.min(bases.length(), start + b);
                if (tooManyN(bases, start, end, o)) {
                    dropped++;
                    continue;
                }
                if (end - start < b) {
                    shortWindows++;
                }
                if (validation[r]) {
                    val.add(WindowSet.pack(r, start, false));
                    continue;
                }
                if (blocks != null && blocks.record() == r
                        && blocks.place(start, end) != BlockHoldOut.Place.TRAIN) {
                    continue;                                   // validation windows were added above
                }
                switch (o.reverseComplement()) {
                    case NONE -> train.add(WindowSet.pack(r, start, false));
                    case BOTH -> {
                        train.add(WindowSet.pack(r, start, false));
                        train.add(WindowSet.pack(r, start, true));
                    }
                    case RANDOM -> train.add(WindowSet.pack(r, start, coin(o.splitSeed(), r, start)));
                }
            }
        }
        return new Plan(train.toArray(), val.toArray(), dropped, shortWindows);
    }

    static boolean tooManyN(String bases, int start, int end, DatasetOptions o) {
        int n = 0;
        int run = 0;
        int longest = 0;
        for (int i = start; i < end; i++) {
            char c = bases.charAt(i);
            if (c == 'N' || c == 'n') {
                n++;
                run++;
                longest = Math.max(longest, run);
            } else {
                run = 0;
            }
        }
        return n > o.maxNFraction() * (end - start) || (o.maxNRun() >= 0 && longest > o.maxNRun());
    }

    /** A fair, reproducible coin per (seed, record, start): the SplitMix64 finalizer of their mix. */
    static boolean coin(long seed, int record, int start) {
        long z = seed + 0x9E3779B97F4A7C15L * (((long) record << 32) + start + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z & 1) != 0;
    }

    private static final class LongList {
        private final List<long[]> blocks = new ArrayList<>();
        private long[] current = new long[1024];
        private int used;
        private int size;

        void add(long v) {
            if (used == current.length) {
                blocks.add(current);
                current = new long[Math.min(current.length * 2, 1 << 20)];
                used = 0;
            }
            current[used++] = v;
            size++;
        }

        long[] toArray() {
            long[] out = new long[size];
            int at = 0;
            for (long[] block : blocks) {
                System.arraycopy(block, 0, out, at, block.length);
                at += block.length;
            }
            System.arraycopy(current, 0, out, at, used);
            return out;
        }
    }
}
