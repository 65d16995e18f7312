package org.evo2wb.app.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.evo2wb.engine.hub.ModelCatalog;
import org.evo2wb.engine.hub.ModelNeeds;
import org.evo2wb.engine.train.parallel.TrainingMemoryEstimate;

/**
 * A released checkpoint as the Models view's **Get models…** dialog and {@code evo2wb models list} show it: its
 * figures, and each memory need marked against this computer's usable GPUs.
 *
 * @param entry the catalog entry
 * @param needs the GPU memory for scoring and LoRA at a few windows
 * @param fits for each need, where it fits ("fits GPU 0 (79.6 GB)", "too big for GPU 0 (24.0 GB)", or "no usable
 *             GPU here")
 */
public record CatalogRow(ModelCatalog.Entry entry, List<ModelNeeds.Need> needs, List<String> fits) {

    /** The rows of the catalog against {@code devices} (as {@link AvailableDevices#detectWithNote()} lists them). */
    public static List<CatalogRow> of(ModelCatalog catalog, List<AvailableDevices.Option> devices) {
        List<AvailableDevices.Option> gpus = devices.stream().filter(d -> d.isGpu() && d.usable() && d.memoryBytes() > 0)
                .toList();
        List<CatalogRow> rows = new ArrayList<>();
        for (ModelCatalog.Entry e : catalog.models()) {
            List<ModelNeeds.Need> needs = ModelNeeds.of(e.config(), e.context());
            rows.add(new CatalogRow(e, needs, needs.stream().map(n -> fit(n.bytes(), gpus)).toList()));
        }
        return rows;
    }

    /** Where {@code bytes} fit among the GPUs. */
    static String fit(long bytes, List<AvailableDevices.Option> gpus) {
        if (gpus.isEmpty()) {
            return "no usable GPU here";
        }
        List<String> fit = new ArrayList<>();
        for (AvailableDevices.Option g : gpus) {
            if (g.memoryBytes() >= bytes) {
                fit.add("GPU " + g.device().getDeviceId());
            }
        }
        AvailableDevices.Option largest = gpus.stream().max(java.util.Comparator.comparingLong(AvailableDevices.Option::memoryBytes))
                .orElseThrow();
        return fit.isEmpty() ? "too big for " + GpuLabel.of(largest) : "fits " + String.join(", ", fit);
    }

    /** {@code 6.58 billion}. */
    public String parameters() {
        return String.format(Locale.ROOT, "%.2f billion", entry.parameters() / 1e9);
    }

    /** {@code 1,048,576 bases}. */
    public String context() {
        return String.format(Locale.ROOT, "%,d bases", entry.context());
    }

    /** {@code 13.8 GB} or {@code about 13.8 GB}. */
    public String disk() {
        return (entry.sizeApproximate() ? "about " : "") + TrainingMemoryEstimate.bytes(entry.diskBytes());
    }

    /** {@code evo2_40b.pt.part0 41.1 GB, evo2_40b.pt.part1 41.1 GB}. */
    public String files() {
        return String.join(", ", entry.files().stream().map(f -> f.path() + " "
                + (f.sizeSource().equals("exact") ? "" : "about ") + TrainingMemoryEstimate.bytes(f.size())).toList());
    }

    /** {@code scoring 8,192: 14.6 GB (fits GPU 0)} per need. */
    public List<String> needLines() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < needs.size(); i++) {
            ModelNeeds.Need n = needs.get(i);
            out.add(String.format(Locale.ROOT, "%s %,d bases: %s (%s)", n.task(), n.window(),
                    TrainingMemoryEstimate.bytes(n.bytes()), fits.get(i)));
        }
        return out;
    }

    /** "GPU 0 (79.6 GB)". */
    static final class GpuLabel {
        private GpuLabel() {}

        static String of(AvailableDevices.Option g) {
            return "GPU " + g.device().getDeviceId() + " (" + TrainingMemoryEstimate.bytes(g.memoryBytes()) + ")";
        }
    }
}
