package org.evo2wb.engine.train.parallel;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.evo2wb.engine.model.GradMode;
import org.evo2wb.engine.train.Tensors;
import org.evo2wb.engine.train.TrainableModel;
import org.evo2wb.engine.train.TrainableSelection;
import org.evo2wb.engine.train.TrainingFailedException.Kind;
import org.evo2wb.engine.train.TrainingFailedException;
import org.evo2wb.engine.train.data.HostBatch;
import org.evo2wb.engine.train.optim.ParameterGradients;

/**
 * Data parallelism in one process: a copy (replica) of the model on every device, each micro-batch split by rows
 * between them, each replica's forward and backward on a thread of its own; then the gradients summed onto the first
 * replica (the model being trained), where clipping and the optimiser work as with one device, and the updated
 * parameters copied back to the other replicas.
 *
 * <pre>
 *   micro-batch rows 0 … B−1  →  replica k gets rows [s_k, s_{k+1}),  s_k = k·⌊B/N⌋ + min(k, B mod N)
 *   loss_k = −Σ_{rows of k} w·log p / W          (W: the step's weight sum, the same for every replica)
 *   g      = Σ_k g_k  (on device 0)              = the gradient of Σ_k loss_k = the one-device step loss
 * </pre>
 *
 * Every replica gets the same denominator, so the sum equals the one-device gradient up to the order of floating
 * point additions. For LoRA only the adapters travel between devices; for full fine-tuning every weight does. LoRA
 * dropout draws different masks than one device would (each replica's masks are seeded with its index,
 * {@link org.evo2wb.engine.lora.SeededDropout}).
 */
public final class DataParallel implements AutoCloseable {

    /** Forward and backward of one shard on one replica. */
    @FunctionalInterface
    public interface ShardBackward {
        /**
         * @param model the replica
         * @param manager a manager on the replica's device, closed after the shard
         * @param shard the replica's rows of the micro-batch
         * @param replica the replica's position (0: the model being trained)
         * @return the shard's loss (unscaled); its gradients, multiplied by the loss scale, added into the replica's
         */
        double run(TrainableModel model, NDManager manager, HostBatch shard, int replica);
    }

    /** The loss of one shard on one replica: forward only; {@link #backward} runs the backward. */
    @FunctionalInterface
    public interface ShardLoss {
        /**
         * @param model the replica
         * @param manager a manager on the replica's device, closed after the shard
         * @param shard the replica's rows of the micro-batch
         * @return the scalar loss whose gradient the replica accumulates
         */
        NDArray loss(TrainableModel model, NDManager manager, HostBatch shard);
    }

    private final Map<String, NDArray> trainable;
    private final List<TrainableModel> replicas;
    private final List<Map<String, NDArray>> replicaTrainable;
    private final ExecutorService threads;

    private DataParallel(Map<String, NDArray> trainable, List<TrainableModel> replicas,
                         List<Map<String, NDArray>> replicaTrainable) {
        this.trainable = trainable;
        this.replicas = replicas;
        this.replicaTrainable = replicaTrainable;
        this.threads = Executors.newFixedThreadPool(replicas.size(), r -> {
            Thread t = new Thread(r, "data-parallel-replica");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Copies the model to {@code devices[1…]}, with the same parameters trainable; null for one device.
     *
     * @param model the model being trained, on {@code devices[0]}
     * @param trainable its trainable parameters (already unfrozen)
     * @throws TrainingFailedException when the model cannot be copied or a device lacks memory for a copy
     */
    public static DataParallel start(TrainableModel model, Map<String, NDArray> trainable, List<Device> devices) {
        if (devices.size() <= 1) {
            return null;
        }
        List<TrainableModel> replicas = new ArrayList<>();
        List<Map<String, NDArray>> grads = new ArrayList<>();
        replicas.add(model);
        grads.add(trainable);
        try {
            for (Device d : devices.subList(1, devices.size())) {
                TrainableModel r = model.replicate(d);
                replicas.add(r);
                Map<String, NDArray> rt = new LinkedHashMap<>();
                Map<String, NDArray> params = r.parameters();
                for (String key : trainable.keySet()) {
                    NDArray p = params.get(key);
                    if (p == null) {
                        throw new IllegalStateException("the copy on " + d + " has no parameter '" + key + "'");
                    }
                    rt.put(key, p);
                }
                TrainableSelection.freezeAllBut(r, rt);
                grads.add(rt);
            }
        } catch (UnsupportedOperationException | IllegalStateException e) {
            closeCopies(replicas);
            throw new TrainingFailedException(Kind.SETTINGS_CHECK, "cannot train on " + devices.size()
                    + " devices: " + e.getMessage() + "; set devices to 1", e);
        } catch (RuntimeException | OutOfMemoryError e) {
            closeCopies(replicas);
            throw e;
        }
        DataParallel p = new DataParallel(trainable, replicas, grads);
        p.broadcast();
        return p;
    }

    /** Number of replicas (devices). */
    public int size() {
        return replicas.size();
    }

    /**
     * Forward and backward of one micro-batch, its rows split between the replicas (all at once, one thread each);
     * gradients (multiplied by {@code lossScale}, fp16-mixed) add up on each replica until {@link #reduceGradients()}.
     * Returns the sum of the shard losses (unscaled).
     */
    public double forwardBackward(HostBatch batch, ShardLoss lossFunction, double lossScale) {
        return forwardBackward(batch, (model, m, shard, k) -> backward(lossFunction.loss(model, m, shard), lossScale));
    }

    /**
     * Forward and backward of one micro-batch, its rows split between the replicas, each replica's part done by
     * {@code work} on a thread of its own; returns the sum of the shard losses.
     */
    public double forwardBackward(HostBatch batch, ShardBackward work) {
        List<Future<Double>> running = new ArrayList<>();
        int n = replicas.size();
        int from = 0;
        for (int k = 0; k < n; k++) {
            int rows = batch.rows() / n + (k < batch.rows() % n ? 1 : 0);
            if (rows == 0) {
                continue;
            }
            HostBatch shard = batch.slice(from, from + rows);
            from += rows;
            TrainableModel replica = replicas.get(k);
            int index = k;
            running.add(threads.submit(() -> shardBackward(replica, shard, work, index)));
        }
        double loss = 0;
        Throwable failure = null;
        for (Future<Double> f : running) {
            try {
                loss += f.get();
            } catch (ExecutionException e) {
                failure = failure == null ? e.getCause() : failure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure == null ? e : failure;
            }
        }
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException(failure.getMessage(), failure);
        }
        return loss;
    }

    private static double shardBackward(TrainableModel replica, HostBatch shard, ShardBackward work, int index) {
        try (GradMode on = GradMode.enabled(); NDManager sm = replica.manager().newSubManager();
             NDScope scope = new NDScope()) {
            return work.run(replica, sm, shard, index);
        }
    }

    /**
     * Backward of a scalar loss with the gradient seed {@code lossScale} (fp16 loss scaling); returns the loss.
     * Not DJL's GradientCollector: only one of those may be open in the whole process at a time.
     */
    public static double backward(NDArray loss, double lossScale) {
        NDArray seed = loss.getManager().full(loss.getShape(), (float) lossScale, loss.getDataType());
        JniUtils.backward((PtNDArray) loss, (PtNDArray) seed, false, false);
        return loss.getFloat();
    }

    /**
     * Adds every other replica's accumulated gradients into the first replica's and clears them. Arrays made here
     * belong to the caller's scope.
     */
    public void reduceGradients() {
        try (GradMode off = GradMode.disabled()) {
            for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
                NDArray total = null;
                for (int k = 1; k < replicas.size(); k++) {
                    NDArray p = replicaTrainable.get(k).get(e.getKey());
                    NDArray g = ParameterGradients.of(p);
                    if (g == null) {
                        continue;
                    }
                    if (total == null) {
                        total = ParameterGradients.of(e.getValue());
                        if (total == null) {
                            throw new IllegalStateException("'" + e.getKey() + "' has a gradient on "
                                    + p.getDevice() + " but none on " + e.getValue().getDevice());
                        }
                    }
                    NDArray moved = g.toDevice(total.getDevice(), false);
                    total.addi(moved);
                    if (moved != g) {
                        Tensors.closeMoved(moved, g);
                    }
                    ParameterGradients.zero(p);
                }
            }
        }
    }

    /** Clears the gradients of every replica but the first (the loop clears the first's). */
    public void zeroGradients() {
        for (int k = 1; k < replicas.size(); k++) {
            replicaTrainable.get(k).values().forEach(ParameterGradients::zero);
        }
    }

    /** Copies the first replica's trainable parameters to every other replica. */
    public void broadcast() {
        for (int k = 1; k < replicas.size(); k++) {
            Map<String, NDArray> target = replicaTrainable.get(k);
            for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
                Tensors.copyValues(target.get(e.getKey()), e.getValue());
            }
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
        closeCopies(replicas);
    }

    private static void closeCopies(List<TrainableModel> replicas) {
        for (int k = 1; k < replicas.size(); k++) {
            replicas.get(k).manager().close();
        }
    }
}
