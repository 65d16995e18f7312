package org.evo2wb.engine.lora;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.IValueUtils;
import org.evo2wb.engine.model.TorchScriptModule;

/**
 * LoRA dropout whose mask is a function of a seed: {@code x ⊙ m / (1 − p)} with m ~ Bernoulli(1 − p) drawn from a
 * generator of its own, made on x's device and seeded for this call. The same seed gives the same mask on any thread
 * in any order, and no call moves a generator another call uses. So the recompute of a checkpointed block draws the
 * masks of its first pass, and data-parallel replicas on several devices draw theirs at the same time, without
 * re-seeding a shared generator under a lock. The seed of a layer's call combines the seed of the thread's scope
 * ({@link #use}; the trainer opens one per micro-batch and replica) with the layer's name.
 *
 * <p>DJL has no Java binding for a seeded generator, so the mask is drawn in a {@link TorchScriptModule} of one
 * method ({@code torch.Generator(device, seed)}, {@code bernoulli_}); autograd records through it, and the backward
 * of {@code x ⊙ m'} is {@code g ⊙ m'} with the scaled mask m' it keeps.
 *
 * <p>On a GPU (TorchScript makes generators on the CPU only), where another device cannot draw them (tried once per
 * device with a few values, {@link #availableOn}), or with the system property {@value #PROPERTY}{@code =false}, LoRA
 * dropout uses PyTorch's own dropout and activation checkpointing re-seeds PyTorch's generator before each block
 * instead (decision 0033).
 */
public final class SeededDropout {

    /** System property: {@code false} turns seeded masks off on every device. */
    public static final String PROPERTY = "evo2wb.seededDropout";

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SeededDropout.class);
    private static final java.util.Map<Device, Boolean> AVAILABLE = new java.util.concurrent.ConcurrentHashMap<>();

    static final String METHODS = """
              def forward(self: __torch__.SeededDropout,
                x: Tensor,
                seed: Tensor,
                keep: Tensor) -> Tensor:
                k = float(keep)
                g = torch.Generator(device=ops.prim.device(x), seed=int(seed))
                m = torch.empty_like(x)
                m = torch.div_(torch.bernoulli_(m, k, generator=g), k)
                return torch.mul(x, m)
            """;

    private static final TorchScriptModule.Lazy MODULE = new TorchScriptModule.Lazy("SeededDropout", METHODS);
    private static final ThreadLocal<Long> SCOPE = new ThreadLocal<>();

    private SeededDropout() {
    }

    /** The seed scope of this thread; closing it restores the one before. */
    public static final class Scope implements AutoCloseable {

        private final Long previous;

        private Scope(Long previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            if (previous == null) {
                SCOPE.remove();
            } else {
                SCOPE.set(previous);
            }
        }
    }

    /** Opens a scope in which LoRA dropout on this thread draws its masks from {@code seed}. */
    public static Scope use(long seed) {
        Scope s = new Scope(SCOPE.get());
        SCOPE.set(seed);
        return s;
    }

    /**
     * Whether seeded masks are drawn on {@code device}: not with {@value #PROPERTY}{@code =false}, not on a GPU;
     * otherwise tried once per device and process (a failure is logged and the device falls back to PyTorch's
     * dropout).
     */
    public static boolean availableOn(Device device) {
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY, "true").trim())) {
            return false;
        }
        return AVAILABLE.computeIfAbsent(device, SeededDropout::probe);
    }

    /**
     * Whether {@code device} can make a generator of its own in TorchScript: PyTorch's interpreter makes them on the
     * CPU only (its CUDA branch is compiled out in every build), so a GPU is not even tried.
     */
    static boolean scriptCanSeed(Device device) {
        return !device.isGpu();
    }

    private static boolean probe(Device device) {
        if (!scriptCanSeed(device)) {
            LOG.info("LoRA dropout on {} draws its masks from PyTorch's generator, seeded again before each block "
                    + "(TorchScript makes seeded generators on the CPU only)", device);
            return false;
        }
        try (NDManager m = NDManager.newBaseManager(device);
             org.evo2wb.engine.model.GradMode off = org.evo2wb.engine.model.GradMode.disabled()) {
            NDArray x = m.ones(new ai.djl.ndarray.types.Shape(64));
            apply(x, 0.5, 1).close();
            return true;
        } catch (RuntimeException e) {
            LOG.warn("seeded LoRA dropout masks cannot be drawn on {} ({}); PyTorch's dropout is used there", device,
                    e.getMessage());
            return false;
        }
    }

    /** Whether a scope is open on this thread. */
    static boolean inScope() {
        return SCOPE.get() != null;
    }

    /** The seed of {@code layer}'s mask in this thread's scope. */
    static long seedOf(String layer) {
        Long s = SCOPE.get();
        if (s == null) {
            throw new IllegalStateException("no dropout seed scope is open on this thread");
        }
        // the scope's seed is already well mixed (the trainer's SplitMix64); the name's hash is spread over 64 bits
        return (s ^ 0x9E3779B97F4A7C15L * layer.hashCode()) & Long.MAX_VALUE;
    }

    /**
     * {@code x ⊙ m / (1 − p)}, m drawn from a generator seeded with {@code seed}, in x's type and manager; recorded by
     * autograd when grad mode is on.
     */
    public static NDArray apply(NDArray x, double p, long seed) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("the dropout rate must be above 0 and below 1, got " + p);
        }
        try (NDManager host = NDManager.newBaseManager(Device.cpu())) {
            NDArray s = host.create(seed & Long.MAX_VALUE);
            NDArray keep = host.create(1 - p);
            return IValueUtils.forward(MODULE.get(), new NDList(x, s, keep), true).singletonOrThrow();
        }
    }
}
