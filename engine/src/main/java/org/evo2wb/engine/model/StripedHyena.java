package org.evo2wb.engine.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.SparseFormat;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.io.IOException;
import java.nio.file.Path;
import org.evo2wb.engine.checkpoint.CheckpointFile;
import org.evo2wb.engine.checkpoint.CheckpointKeys;
import org.evo2wb.engine.checkpoint.CheckpointFormatException;
import org.evo2wb.engine.checkpoint.Checkpoints;
import org.evo2wb.engine.checkpoint.Integrity;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.StorageType;

/**
 * The Evo 2 model (StripedHyena 2): token embedding, a stack of Hyena and attention blocks, final RMSNorm and the
 * tied unembedding:
 * <pre>
 *   x0      = E[ids]                                   (B, L, D)
 *   x_{i+1} = block_i(x_i)                             hcs | hcm | hcl | attention, see {@link Block}
 *   logits  = RMSNorm_final(x_N) · Eᵀ                  (B, L, V), unshifted: position t scores token t+1
 * </pre>
 * Legend: B batch, L length, D = {@code hidden_size}, V = {@code vocab_size} = 512, E = {@code
 * embedding_layer.weight} (V, D), final scale = {@code norm.scale} (D).
 *
 * <p>Tensors are fp32 and named by their checkpoint keys ({@link #parameters()}); the model owns an
 * {@link NDManager} on its device and must be closed. {@link #forward} builds from differentiable DJL operations
 * only: with grad mode on (inside a {@code GradientCollector}) and {@link #setTrainable(boolean)}, gradients reach
 * every trainable tensor; the tied embedding receives both the lookup and the unembedding contribution.
 * Each block runs in its own {@link NDScope}, so an inference forward holds one block's temporaries at a time.
 *
 * <p>In fp16-mixed a model is loaded with or without fp32 master weights for its linear layers
 * ({@link MasterWeights}); without (the default of every {@code load}, {@code random} and {@code fromTensors} that
 * does not name them) linear weights and biases are fp16 only and cannot be trained. The pieces of the forward pass
 * ({@link #embed}, {@link #block}, {@link #head}) are public for activation checkpointing, which runs them itself.
 */
public final class StripedHyena implements AutoCloseable {

    private final ModelArchitecture arch;
    private final Precision precision;
    private final MasterWeights masters;
    private final NDManager manager;
    private final NDArray embedding;
    private final RmsNorm finalNorm;
    private final List<Block> blocks;

    private StripedHyena(ModelArchitecture arch, Precision precision, MasterWeights masters, NDManager manager,
                         Parts parts) {
        this.arch = arch;
        this.precision = precision;
        this.masters = masters;
        this.manager = manager;
        this.embedding = parts.embedding;
        this.finalNorm = parts.finalNorm;
        this.blocks = parts.blocks;
    }

    /** The pieces of a model, built from a source in checkpoint key order. */
    record Parts(NDArray embedding, RmsNorm finalNorm, List<Block> blocks) {
    }

    static Parts buildParts(ModelArchitecture a, ParameterSource source, Precision precision, MasterWeights masters) {
        ParameterSource src = masters.halfOnly(precision) ? halfLinears(source) : source;
        NDArray emb = src.get("embedding_layer.weight", ParameterKind.EMBEDDING, a.vocabSize(), a.hidden());
        RmsNorm norm = new RmsNorm(src, "norm.scale", a.hidden(), a.eps());
        BlockDims dims = new BlockDims(a.hidden(), a.inner(), a.eps(), a.evo2StyleActivations(), precision);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < a.numLayers(); i++) {
            blocks.add(switch (a.kindOf(i)) {
                case HCS -> new HyenaShortExplicit(src, i, dims, a.shortFilterLength(), a.hcsGroups(), a.hcsTaps());
                case HCM -> new HyenaMediumRegularized(src, i, dims, a.shortFilterLength(), a.hcmGroups(),
                        a.hcmTaps());
                case HCL -> new HyenaLongImplicit(src, i, dims, a.shortFilterLength(), a.stateSize());
                case ATTENTION -> new AttentionBlock(src, i, dims, a.heads(), a.ropeScalingFactor());
            });
        }
        return new Parts(emb, norm, List.copyOf(blocks));
    }

    /**
     * A source whose linear weights and biases are fp16: each is rounded once (PyTorch's round to nearest even, as
     * the fp16 copies of fp32 masters are) and its fp32 original freed at once.
     */
    private static ParameterSource halfLinears(ParameterSource src) {
        return (key, kind, shape) -> {
            NDArray a = src.get(key, kind, shape);
            if (kind != ParameterKind.LINEAR_WEIGHT && kind != ParameterKind.LINEAR_BIAS
                    || a.getDataType() == DataType.FLOAT16) {
                return a;
            }
            try (GradMode off = GradMode.disabled()) {
                NDArray half = a.toType(DataType.FLOAT16, false);
                a.close();
                return half;
            }
        };
    }

    /**
     * Loads a checkpoint file ({@code .pt}, {@code .pt.partN} shards or {@code .safetensors}, released vortex key
     * layout) for a config. The MLP width follows the file; the file's keys and shapes are checked against the model
     * first (one exception lists every missing, unexpected or misshaped tensor; the duplicate {@code unembed.weight},
     * {@code _extra_state} and {@code filter.t} entries are ignored), then tensors are converted one at a time.
     */
    public static StripedHyena load(Path checkpoint, Evo2Config config, Device device, Precision precision)
            throws IOException {
        return load(checkpoint, config, device, precision, MasterWeights.NONE, (read, total) -> { });
    }

    /** {@link #load(Path, Evo2Config, Device, Precision)} with or without fp32 masters for the linear layers. */
    public static StripedHyena load(Path checkpoint, Evo2Config config, Device device, Precision precision,
                                    MasterWeights masters) throws IOException {
        return load(checkpoint, config, device, precision, masters, (read, total) -> { });
    }

    /** Told after each checkpoint tensor has been converted; may throw to stop loading. */
    @FunctionalInterface
    public interface LoadProgress {
        /**
         * @param read tensors converted so far
         * @param total tensors the model takes from the file
         * @throws java.util.concurrent.CancellationException to stop; the partly built model is closed
         */
        void tensorRead(int read, int total);
    }

    /**
     * {@link #load(Path, Evo2Config, Device, Precision)} reporting each converted tensor to {@code progress}, which
     * may stop the load by throwing (nothing of the partly built model is kept).
     */
    public static StripedHyena load(Path checkpoint, Evo2Config config, Device device, Precision precision,
                                    LoadProgress progress) throws IOException {
        return load(checkpoint, config, device, precision, MasterWeights.NONE, progress);
    }

    /** {@link #load(Path, Evo2Config, Device, Precision, LoadProgress)} with or without fp32 linear masters. */
    public static StripedHyena load(Path checkpoint, Evo2Config config, Device device, Precision precision,
                                    MasterWeights masters, LoadProgress progress) throws IOException {
        return load(checkpoint, config, device, precision, masters, progress, Integrity.CHECKED);
    }

    /** {@link #load(Path, Evo2Config, Device, Precision, MasterWeights)}, the file's checksums checked or trusted. */
    public static StripedHyena load(Path checkpoint, Evo2Config config, Device device, Precision precision,
                                    MasterWeights masters, Integrity integrity) throws IOException {
        return load(checkpoint, config, device, precision, masters, (read, total) -> { }, integrity);
    }

    /**
     * {@link #load(Path, Evo2Config, Device, Precision, MasterWeights, LoadProgress)}, the file's CRC-32 checksums
     * checked as each tensor is read ({@link Integrity#CHECKED}) or trusted.
     */
    public static StripedHyena load(Path checkpoint, Evo2Config config, Device device, Precision precision,
                                    MasterWeights masters, LoadProgress progress, Integrity integrity)
            throws IOException {
        try (CheckpointFile file = Checkpoints.open(checkpoint, integrity)) {
            return load(file, config, device, precision, masters, progress);
        }
    }

    /**
     * Builds the model from an open weights file of any format (read one tensor at a time), e.g. a BioNeMo
     * checkpoint opened with its own config; the caller closes {@code file}.
     */
    public static StripedHyena load(CheckpointFile file, Evo2Config config, Device device, Precision precision,
                                    MasterWeights masters, LoadProgress progress) throws IOException {
        Map<String, long[]> shapes = file.shapes();
        ModelArchitecture arch = ModelArchitecture.of(config.withInnerMlpSizeFrom(shapes), file.name());
        Map<String, long[]> expected = new LinkedHashMap<>();
        ExpectedParameters.of(arch).forEach((k, e) -> expected.put(k, e.shape()));
        CheckpointKeys.check(file.name(), expected, shapes);
        int total = expected.size();
        int[] read = {0};
        try {
            return build(file.name(), shapes, key -> {
                var t = file.tensor(key);
                progress.tensorRead(++read[0], total);
                return t;
            }, arch, device, precision, masters);
        } catch (java.io.UncheckedIOException e) {
            if (e.getCause() instanceof CheckpointFormatException bad) {
                throw bad; // its message already names the file and the tensor
            }
            throw e;
        }
    }

    /**
     * Builds the model from checkpoint tensors (released vortex layout). The MLP width is taken from
     * {@code blocks.0.mlp.l1.weight} when it differs from the architecture's; every other shape must match.
     *
     * @param origin file name for error messages
     * @param device where the tensors live ({@code Device.cpu()}, {@code Device.gpu(i)})
     */
    public static StripedHyena fromTensors(String origin, Map<String, HostTensor> tensors, ModelArchitecture arch,
                                           Device device, Precision precision) {
        return fromTensors(origin, tensors, arch, device, precision, MasterWeights.NONE);
    }

    /** {@link #fromTensors(String, Map, ModelArchitecture, Device, Precision)} with or without fp32 masters. */
    public static StripedHyena fromTensors(String origin, Map<String, HostTensor> tensors, ModelArchitecture arch,
                                           Device device, Precision precision, MasterWeights masters) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        tensors.forEach((k, v) -> shapes.put(k, v.shape()));
        return build(origin, shapes, tensors::get, arch, device, precision, masters);
    }

    private static StripedHyena build(String origin, Map<String, long[]> shapes,
                                      CheckpointParameters.TensorReader reader, ModelArchitecture arch, Device device,
                                      Precision precision, MasterWeights masters) {
        PrecisionSupport.requireTrueLabel(precision, device);
        NDManager m = NDManager.newBaseManager(device);
        try {
            CheckpointParameters src = new CheckpointParameters(origin, shapes, reader, m);
            long[] l1 = src.shapeOf("blocks.0.mlp.l1.weight");
            ModelArchitecture a = l1 != null && l1.length == 2 && l1[0] != arch.inner() ? arch.withInner(l1[0]) : arch;
            return new StripedHyena(a, precision, masters, m, buildParts(a, src, precision, masters));
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** A model with random weights of a config's shapes (benchmarks, tests). */
    public static StripedHyena random(Evo2Config config, long seed, Device device, Precision precision) {
        return random(ModelArchitecture.of(config), seed, device, precision, MasterWeights.NONE);
    }

    /** {@link #random(Evo2Config, long, Device, Precision)} with or without fp32 masters. */
    public static StripedHyena random(Evo2Config config, long seed, Device device, Precision precision,
                                      MasterWeights masters) {
        return random(ModelArchitecture.of(config), seed, device, precision, masters);
    }

    /** A model with random weights of the architecture's shapes (benchmarks, tests). */
    public static StripedHyena random(ModelArchitecture arch, long seed, Device device, Precision precision) {
        return random(arch, seed, device, precision, MasterWeights.NONE);
    }

    /** {@link #random(ModelArchitecture, long, Device, Precision)} with or without fp32 masters. */
    public static StripedHyena random(ModelArchitecture arch, long seed, Device device, Precision precision,
                                      MasterWeights masters) {
        PrecisionSupport.requireTrueLabel(precision, device);
        NDManager m = NDManager.newBaseManager(device);
        try {
            return new StripedHyena(arch, precision, masters, m,
                    buildParts(arch, new RandomParameters(m, seed, arch.rotaryBase()), precision, masters));
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /**
     * A copy of this model's base layers on {@code device}: every tensor copied (not shared), same architecture,
     * precision and master weights, nothing requiring gradients. Adapters put on this model ({@link #replaceLinears}) are not copied;
     * their base weights are. Close the copy when done.
     */
    public StripedHyena copyTo(Device device) {
        Map<String, NDArray> mine = parameters();
        NDManager m = NDManager.newBaseManager(device);
        try (GradMode off = GradMode.disabled()) {
            ParameterSource copies = (key, kind, shape) -> {
                NDArray source = mine.get(key);
                if (source == null) {
                    throw new IllegalArgumentException("no tensor '" + key + "' to copy");
                }
                // toDevice to the array's own device returns the same tensor, so copy on the device itself
                NDArray copy = source.getDevice().equals(device) ? source.duplicate() : source.toDevice(device, false);
                NDManager made = copy.getManager();
                copy.attach(m);
                if (made != source.getManager()) {
                    made.close();       // the empty sub-manager DJL made for the other device
                }
                return copy;
            };
            return new StripedHyena(arch, precision, masters, m, buildParts(arch, copies, precision, masters));
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /**
     * Logits for token ids (B, L) with grad mode off on this thread for the call (inference: no graph is built
     * whatever the thread's state; a new thread starts with grad mode on).
     */
    public NDArray infer(NDArray ids) {
        return infer(ids, Trace.NONE);
    }

    /** {@link #infer(NDArray)} reporting intermediates to {@code trace}. */
    public NDArray infer(NDArray ids, Trace trace) {
        try (GradMode g = GradMode.disabled()) {
            return forward(ids, trace);
        }
    }

    /** Logits for token ids (B, L) (any integer type): (B, L, V) fp32, attached to the ids' manager. */
    public NDArray forward(NDArray ids) {
        return forward(ids, Trace.NONE);
    }

    /**
     * Logits for token ids (B, L), reporting named intermediates to {@code trace}. The result is attached to the
     * manager of {@code ids} (and registered in the caller's {@link NDScope}, if any); everything else the forward
     * creates is closed before it returns (the autograd graph keeps what backward needs).
     */
    public NDArray forward(NDArray ids, Trace trace) {
        NDArray logits;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = embed(ids);
            trace.record("embedding", x);
            NDList sums = precision.isHalf() ? new NDList() : null;
            for (int i = 0; i < blocks.size(); i++) {
                NDArray y = block(i, x, trace);
                trace.record("blocks." + blocks.get(i).index() + ".out", y);
                if (sums != null) {
                    sums.add(outputSum(y));
                }
                x.close();
                x = y;
            }
            if (sums != null) {
                checkFinite(sums);
            }
            logits = head(x, trace);
            NDScope.unregister(logits);
        }
        logits.attach(ids.getManager());
        NDScope.register(logits);
        return logits;
    }

    /** The token embedding of ids (B, L): (B, L, D) fp32 on the model's device, in the caller's scope. */
    public NDArray embed(NDArray ids) {
        // a PyTorch-owned copy: the embedding's backward keeps the ids, and a caller may close (and the GC
        // free) a Java-backed ids array before calling backward
        NDArray tok = ids.toDevice(manager.getDevice(), false).toType(DataType.INT64, true);
        return embedding.getNDArrayInternal().embedding(tok, embedding, SparseFormat.DENSE).singletonOrThrow();
    }

    /** Number of blocks. */
    public int blockCount() {
        return blocks.size();
    }

    /**
     * Block {@code i} (0-based position in the stack) on {@code x}: (B, L, D) → (B, L, D), in the caller's scope;
     * its temporaries are closed before it returns (the autograd graph keeps what backward needs).
     */
    public NDArray block(int i, NDArray x, Trace trace) {
        NDArray y;
        try (NDScope blockScope = new NDScope()) {
            blockScope.suppressNotUsedWarning();
            y = blocks.get(i).forward(x, trace);
            NDScope.unregister(y);
        }
        NDScope.register(y);
        return y;
    }

    /** The final RMSNorm (for step-by-step decoding, which runs the head's pieces itself). */
    public RmsNorm finalNorm() {
        return finalNorm;
    }

    /** The tied embedding E (V, D), fp32. */
    public NDArray embedding() {
        return embedding;
    }

    /** Final norm and tied unembedding: (B, L, D) → logits (B, L, V), in the caller's scope. */
    public NDArray head(NDArray x, Trace trace) {
        NDArray n = finalNorm.forward(x);
        trace.record("final_norm", n);
        NDArray logits = Linear.affine(n, embedding, null, precision);
        trace.record("logits", logits);
        return logits;
    }

    /**
     * fp16-mixed: throws {@link Fp16OverflowException} naming the first block whose output (given in stack order)
     * holds an inf or NaN; nothing in fp32 and tf32. One read-back for all blocks.
     */
    public void requireFinite(List<NDArray> blockOutputs) {
        if (!precision.isHalf()) {
            return;
        }
        NDList sums = new NDList();
        for (NDArray y : blockOutputs) {
            sums.add(outputSum(y));
        }
        checkFinite(sums);
    }

    private static NDArray outputSum(NDArray y) {
        try (GradMode off = GradMode.disabled()) {
            return y.sum();                 // inf or NaN anywhere makes the sum non-finite
        }
    }

    /**
     * fp16-mixed: one read-back per forward of every block's output sum; the first that is not finite names the
     * block where fp16 overflowed.
     */
    private void checkFinite(NDList blockSums) {
        float[] s = NDArrays.stack(blockSums).toFloatArray();
        for (int i = 0; i < s.length; i++) {
            if (!Float.isFinite(s[i])) {
                throw new Fp16OverflowException(blocks.get(i).index(), blocks.get(i).kind().specName());
            }
        }
    }

    /**
     * Turns gradient recording on or off for every trainable tensor (RoPE buffers never).
     *
     * @throws IllegalStateException when turning it on for a model whose linear layers hold only fp16 weights
     */
    public void setTrainable(boolean trainable) {
        if (trainable && masters.halfOnly(precision)) {
            throw new IllegalStateException(halfOnlyMessage());
        }
        visitParameters((key, kind, value) -> {
            if (kind.isTrainable()) {
                value.setRequiresGradient(trainable);
            }
        });
    }

    /** Visits every tensor (embedding, final norm, then each block) with its checkpoint key and role. */
    public void visitParameters(ParameterVisitor v) {
        v.visit("embedding_layer.weight", ParameterKind.EMBEDDING, embedding);
        finalNorm.visitParameters(v);
        for (Block b : blocks) {
            b.visitParameters(v);
        }
    }

    /** Every tensor by checkpoint key, including the RoPE {@code inv_freq} buffers. */
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        visitParameters((k, kind, value) -> out.put(k, value));
        return Collections.unmodifiableMap(out);
    }

    /** Role of every tensor by checkpoint key. */
    public Map<String, ParameterKind> parameterKinds() {
        Map<String, ParameterKind> out = new LinkedHashMap<>();
        visitParameters((k, kind, value) -> out.put(k, kind));
        return Collections.unmodifiableMap(out);
    }

    /** Every linear layer by checkpoint prefix ({@code blocks.3.inner_mha_cls.Wqkv}, {@code blocks.0.mlp.l1}). */
    public Map<String, Linear> linears() {
        Map<String, Linear> out = new LinkedHashMap<>();
        for (Block b : blocks) {
            b.replaceLinears(l -> {
                out.put(l.name(), l);
                return l;
            });
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * Puts {@code f(name, layer)} in place of every linear layer (return the layer itself to keep it). This is how
     * adapters are attached, e.g. LoRA on every name matching a pattern.
     */
    public void replaceLinears(BiFunction<String, Linear, Linear> f) {
        for (Block b : blocks) {
            b.replaceLinears(l -> {
                Linear r = f.apply(l.name(), l);
                if (r == null) {
                    throw new IllegalArgumentException("replacement for " + l.name() + " is null");
                }
                return r;
            });
        }
    }

    /**
     * Copies every tensor to host memory as fp32 in checkpoint order (for safetensors / .pt writers). With
     * {@code withUnembed} the tied embedding is also written as {@code unembed.weight}, as the released files do.
     */
    public Map<String, HostTensor> exportTensors(boolean withUnembed) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        visitParameters((k, kind, value) -> {
            out.put(k, toHost(value));
            if (withUnembed && k.equals("embedding_layer.weight")) {
                out.put("unembed.weight", toHost(value));
            }
        });
        return out;
    }

    private static HostTensor toHost(NDArray a) {
        float[] f = a.toType(DataType.FLOAT32, false).toFloatArray();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(f.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(f);
        return new HostTensor(StorageType.F32, a.getShape().getShape(), b);
    }

    public ModelArchitecture architecture() {
        return arch;
    }

    public Precision precision() {
        return precision;
    }

    /** Whether the linear layers have fp32 master weights ({@link MasterWeights#NONE} in fp16: fp16 only). */
    public MasterWeights masterWeights() {
        return masters;
    }

    /** Whether the linear layers hold only fp16 weights (fp16-mixed loaded without masters): they cannot train. */
    public boolean linearsHalfOnly() {
        return masters.halfOnly(precision);
    }

    /** Why the linear weights of this model cannot be trained, for error messages. */
    public static String halfOnlyMessage() {
        return "the model was loaded in fp16 without fp32 master weights (its linear layers hold only fp16 weights, "
                + "for inference, LoRA and filter fine-tuning), so its linear weights cannot be trained; load it "
                + "with fp32 master weights (MasterWeights.FP32) for full fine-tuning";
    }

    public Device device() {
        return manager.getDevice();
    }

    /** The manager owning the model's tensors. */
    public NDManager manager() {
        return manager;
    }

    public List<Block> blocks() {
        return blocks;
    }

    /** The expected checkpoint keys and shapes of an architecture (for key checkers). */
    public static Map<String, ExpectedParameters.Entry> expectedParameters(ModelArchitecture arch) {
        return ExpectedParameters.of(arch);
    }

    /** Number of parameters in the model (tied embedding once, RoPE buffers excluded): {@link ExpectedParameters}. */
    public long parameterCount() {
        return ExpectedParameters.parameterCount(arch);
    }

    /** Names of the checkpoint keys consumed, for diagnostics. */
    public Set<String> keys() {
        return parameters().keySet();
    }

    /**
     * Frees what the blocks keep between forwards (the frozen hcl filters' spectra: D·(L+1) complex numbers per hcl
     * block for inputs of length L, about 0.9 GiB for evo2-1b at L = 8192). The next forward rebuilds them.
     */
    public void releaseCaches() {
        blocks.forEach(Block::releaseCaches);
    }

    /**
     * Whether the blocks keep the frozen hcl filters' spectra between forwards (on by default); off, each forward
     * builds them again (an exponential-and-product and one FFT of the filter per hcl block) and the memory they took
     * is free: a training step that does not fit otherwise
     * ({@link org.evo2wb.engine.train.parallel.TrainingMemoryEstimate#fittingOn}).
     */
    public void keepCaches(boolean on) {
        blocks.forEach(b -> b.keepCaches(on));
    }

    @Override
    public void close() {
        manager.close();
    }
}
