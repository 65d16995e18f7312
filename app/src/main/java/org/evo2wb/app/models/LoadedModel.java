package org.evo2wb.app.models;

import java.util.List;
import java.util.Locale;
import org.evo2wb.engine.load.ModelFiles;
import org.evo2wb.engine.load.ScoringContext;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.StripedHyena;

/**
 * A model in memory, ready to score: the network, where it came from, and the device and precision it runs on.
 *
 * <p>Tasks that run the model hold a {@link Lease} for as long as they use it ({@code try (var l = m.lease())}).
 * {@link #retire()} (the Models view's Unload) frees the network at once when no task holds a lease, else when the
 * last lease is closed, so a running task never loses its model. Thread-safe.
 */
public final class LoadedModel {

    private final ModelInspection inspection;
    private final StripedHyena network;
    private final AvailableDevices.Option device;
    private final Precision precision;
    private final double loadSeconds;
    private final int context;
    private int leases;
    private boolean retired;
    private boolean closed;

    public LoadedModel(ModelInspection inspection, StripedHyena network, AvailableDevices.Option device, Precision precision,
                       double loadSeconds) {
        this.inspection = inspection;
        this.network = network;
        this.device = device;
        this.precision = precision;
        this.loadSeconds = loadSeconds;
        this.context = contextOf(inspection);
    }

    private static int contextOf(ModelInspection inspection) {
        int config = inspection.config().maxSeqlen();
        if (inspection.source().kind() == ModelSource.Kind.RUN && inspection.source().run() != null) {
            try {
                return ScoringContext.ofRun(inspection.source().run(), inspection.config());
            } catch (java.io.IOException | RuntimeException e) {
                return config;                                  // the run record was readable when it loaded
            }
        }
        return config;
    }

    /** Use of the network by one task; close it when done. */
    public final class Lease implements AutoCloseable {
        private boolean open = true;

        public StripedHyena network() {
            return network;
        }

        @Override
        public void close() {
            synchronized (LoadedModel.this) {
                if (open) {
                    open = false;
                    leases--;
                    closeIfIdle();
                }
            }
        }
    }

    /** Takes a lease; fails when the model was already unloaded. */
    public synchronized Lease lease() {
        if (retired) {
            throw new IllegalStateException(name() + " was unloaded");
        }
        leases++;
        return new Lease();
    }

    /** Unloads the model: now if no task uses it, else when the last lease is closed. */
    public synchronized void retire() {
        retired = true;
        closeIfIdle();
    }

    private void closeIfIdle() {
        if (retired && leases == 0 && !closed) {
            closed = true;
            network.close();
        }
    }

    public synchronized boolean isRetired() {
        return retired;
    }

    /** True once the network's memory has been freed. */
    public synchronized boolean isClosed() {
        return closed;
    }

    public ModelInspection inspection() {
        return inspection;
    }

    public ModelSource source() {
        return inspection.source();
    }

    public AvailableDevices.Option device() {
        return device;
    }

    public Precision precision() {
        return precision;
    }

    public double loadSeconds() {
        return loadSeconds;
    }

    /** The config's model name, or the weights' file name. */
    public String modelName() {
        String n = inspection.config().modelName();
        return n == null || n.isBlank() ? source().weights().getFileName().toString() : n;
    }

    /**
     * Bases one forward pass may see when this model scores ({@link ScoringContext}): its config's context, or the
     * window a fine-tuned model was trained with.
     */
    public int context() {
        return context;
    }

    /**
     * A short name: a fine-tuned model's run folder, {@code default} for the bundled model, else the weights file
     * without its extension. {@link #label(LoadedModel, List)} makes it distinct among the loaded models.
     */
    public String shortName() {
        ModelSource s = source();
        if (s.kind() == ModelSource.Kind.RUN && s.run() != null) {
            return s.run().getFileName().toString();
        }
        if (s.kind() == ModelSource.Kind.DEFAULT) {
            return "default";
        }
        return ModelFiles.stem(s.weights().getFileName().toString());
    }

    /**
     * The short name of {@code m}, distinct among {@code loaded}: the second model with the same short name is
     * called {@code name #2}, and so on, in loading order.
     */
    public static String label(LoadedModel m, List<LoadedModel> loaded) {
        if (m == null) {
            return "";
        }
        String name = m.shortName();
        int same = 0;
        int mine = 0;
        for (LoadedModel o : loaded) {
            if (o.shortName().equals(name)) {
                same++;
                if (o == m) {
                    mine = same;
                }
            }
        }
        return mine > 1 ? name + " #" + mine : name;
    }

    /** "tiny-evo2 (tiny.pt) · CPU · fp32". */
    public String name() {
        String dev = device.isGpu() ? "GPU " + device.device().getDeviceId() : "CPU";
        return modelName() + " (" + source().name() + ") · " + dev + " · "
                + precision.name().toLowerCase(Locale.ROOT).replace("tf32", "TF32");
    }

    @Override
    public String toString() {
        return name();
    }
}
