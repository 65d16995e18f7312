package org.evo2wb.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * The FFT spectrum of a long filter that is computed from parameters, kept between forward passes while those
 * parameters are frozen (inference, LoRA fine-tuning, evaluation): repeated forwards at one length then skip building
 * the filter and its FFT.
 * <ul>
 *   <li>Kept for one (L, n) at a time, the last one asked for; another length replaces it. Not kept above
 *       {@link #MAX_KEPT_LENGTH}.</li>
 *   <li>Bypassed (and dropped) while any source parameter requires a gradient: full fine-tuning changes them every
 *       step, and the spectrum must then be part of the autograd graph.</li>
 *   <li>Bypassed (and dropped) while its model is told not to keep it ({@link #setKept}): a training step that
 *       needs the memory rebuilds it in each pass.</li>
 *   <li>Checked on every use against a copy of the source values (a comparison of D·S numbers per layer), so
 *       parameters overwritten in place (fine-tuned weights loaded, a run resumed, a projection step) are never
 *       served a stale spectrum.</li>
 *   <li>Owned by the model's long-lived manager (never by a forward's {@link NDScope}) and freed with the model.
 *       Each caller gets its own handle on it, closed with the caller's scope, so a concurrent forward at another
 *       length that replaces the entry cannot free the memory under it.</li>
 * </ul>
 */
final class FilterSpectrum {

    /** On unless the system property {@value HyenaLongImplicit#KEEP_SPECTRA_PROPERTY} is {@code false}. */
    private static volatile boolean enabled =
            !"false".equalsIgnoreCase(System.getProperty(HyenaLongImplicit.KEEP_SPECTRA_PROPERTY, "true"));
    private static final AtomicLong BUILDS = new AtomicLong();

    private final NDArray[] sources;
    private volatile boolean keep = true;
    private Entry entry;

    private record Entry(long len, long n, NDArray spectrum, NDArray[] snapshot) {
    }

    /** @param sources the parameters the filter is computed from */
    FilterSpectrum(NDArray... sources) {
        this.sources = sources.clone();
    }

    /** Turns keeping spectra on or off for every model (on by default); off, every forward computes them. */
    static void setEnabled(boolean on) {
        enabled = on;
    }

    /** Whether spectra are kept at all ({@link #setEnabled}, the system property). */
    static boolean enabled() {
        return enabled;
    }

    /** Keeps the spectrum between passes (the default) or not; not keeping frees the one kept. */
    void setKept(boolean on) {
        keep = on;
        if (!on) {
            clear();
        }
    }

    /** Spectra computed for keeping, over all models so far (tests). */
    static long builds() {
        return BUILDS.get();
    }

    /**
     * The kept spectrum {@code rfft(filter(len), n)}, built on first use, or null where none is kept for this length
     * (keeping off, for every model or for this one; a source trained; {@code len} above {@link #MAX_KEPT_LENGTH});
     * then a spectrum kept for another length is freed too, and the caller computes its own.
     *
     * @param filter builds the filter (C, Lh) for length len from the sources
     * @return (C, n/2 + 1) complex, a handle owned by the caller's scope, or null
     */
    NDArray kept(long len, long n, LongFunction<NDArray> filter) {
        if (!enabled || !keep || len > maxKeptLength || trained()) {
            clear();
            return null;
        }
        synchronized (this) {
            if (entry == null || entry.len != len || entry.n != n || !unchanged(entry)) {
                clear();
                entry = build(len, n, filter);
            }
            return entry.spectrum.reshape(entry.spectrum.getShape());
        }
    }

    /**
     * The longest sequence whose spectrum is kept: 16,384 (one 7B hcl block's spectrum at that length is 512 MiB; at
     * 65,536 bases it would be 2 GiB, 18 GiB for the model's nine, where building it again takes one FFT of the
     * filter per pass beside the FFTs of the signal).
     */
    static final long MAX_KEPT_LENGTH = 16_384;

    private static volatile long maxKeptLength = MAX_KEPT_LENGTH;

    /** Sets the longest sequence whose spectrum is kept; 0 restores {@link #MAX_KEPT_LENGTH} (tests). */
    static void setMaxKeptLength(long len) {
        maxKeptLength = len > 0 ? len : MAX_KEPT_LENGTH;
    }

    /** The length the kept spectrum is for, or -1 when none is kept. */
    synchronized long keptLength() {
        return entry == null ? -1 : entry.len;
    }

    /** Frees the kept spectrum, if any. */
    synchronized void clear() {
        if (entry != null) {
            entry.spectrum.close();
            for (NDArray s : entry.snapshot) {
                s.close();
            }
            entry = null;
        }
    }

    private boolean trained() {
        for (NDArray s : sources) {
            if (s.hasGradient()) {
                return true;
            }
        }
        return false;
    }

    private boolean unchanged(Entry e) {
        for (int i = 0; i < sources.length; i++) {
            if (!sources[i].contentEquals(e.snapshot[i])) {
                return false;
            }
        }
        return true;
    }

    private Entry build(long len, long n, LongFunction<NDArray> filter) {
        try (GradMode off = GradMode.disabled()) {
            NDArray spectrum = Convolutions.spectrum(filter.apply(len), n);
            NDArray[] snapshot = new NDArray[sources.length];
            for (int i = 0; i < sources.length; i++) {
                snapshot[i] = sources[i].duplicate();
            }
            NDScope.unregister(spectrum);
            NDScope.unregister(snapshot);
            BUILDS.incrementAndGet();
            return new Entry(len, n, spectrum, snapshot);
        }
    }
}
