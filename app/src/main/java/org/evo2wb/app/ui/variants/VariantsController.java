package org.evo2wb.app.ui.variants;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import javafx.scene.Node;
import org.evo2wb.app.data.GcProfile;
import org.evo2wb.app.data.LoadedRecord;
import org.evo2wb.app.models.LoadedModel;
import org.evo2wb.app.ui.AppServices;
import org.evo2wb.app.ui.DialogService;
import org.evo2wb.app.ui.score.ScoreModel;
import org.evo2wb.bio.MoleculeType;
import org.evo2wb.bio.RecordQc;
import org.evo2wb.bio.SequenceRecord;
import org.evo2wb.bio.Topology;
import org.evo2wb.engine.task.EngineTask;
import org.evo2wb.engine.task.TaskStatus;
import org.evo2wb.engine.variants.ReferenceWindow;
import org.evo2wb.engine.variants.VariantRow;
import org.evo2wb.engine.variants.VariantScoring;

/**
 * The Variants view: score a VCF against a reference genome with the current model (the same engine entry as
 * {@code evo2wb variants}), then browse the alleles (sortable, filterable table; Δ histogram by label) and open a
 * variant's window in the Score view.
 */
public final class VariantsController {

    private final AppServices services;
    private final VariantsModel model = new VariantsModel();
    private final ScoreModel score;
    private final Consumer<String> showView;
    private final Node view;
    private VariantsRunTask running;
    private int window;

    public VariantsController(AppServices services, ScoreModel score, Consumer<String> showView) {
        this.services = services;
        this.score = score;
        this.showView = showView;
        this.view = new VariantsViewBuilder(model, new VariantsViewBuilder.Actions(this::run, this::cancel,
                this::chooseVcf, this::chooseReference, this::chooseLabels, this::openInScore)).build();
    }

    public Node view() {
        return view;
    }

    public VariantsModel model() {
        return model;
    }

    private void chooseVcf() {
        services.dialogs().chooseFile("Variants (VCF)", DialogService.FileFilter.of("VCF", "*.vcf", "*.vcf.gz"))
                .ifPresent(p -> {
                    model.vcfProperty().set(p.toString());
                    if (model.outProperty().get().isBlank()) {
                        String name = p.getFileName().toString().replaceFirst("(?i)\\.vcf(\\.gz)?$", "");
                        model.outProperty().set(p.resolveSibling(name + ".evo2.vcf.gz").toString());
                    }
                });
    }

    private void chooseLabels() {
        services.dialogs().chooseFile("Variant labels (TSV: chrom, pos, ref, alt, label)",
                DialogService.FileFilter.of("Tab-separated", "*.tsv", "*.txt")).ifPresent(p -> model.labelProperty()
                .set(p.toString()));
    }

    private void chooseReference() {
        services.dialogs().chooseFile("Reference genome (FASTA)", DialogService.FileFilter.of("FASTA", "*.fa",
                "*.fasta", "*.fna", "*.fa.gz", "*.fasta.gz", "*.fna.gz")).ifPresent(p -> model.referenceProperty()
                .set(p.toString()));
    }

    /** Starts scoring; returns the task, or null when something is missing (reported in a dialog). */
    public VariantsRunTask run() {
        LoadedModel m = services.workspace().currentModel();
        if (m == null) {
            services.dialogs().showError("No model loaded", "Load a model in the Models view first.");
            return null;
        }
        VariantScoring.Request q;
        try {
            q = request(m);
        } catch (IllegalArgumentException e) {
            services.dialogs().showError("Cannot score variants", e.getMessage());
            return null;
        }
        LoadedModel.Lease lease;
        try {
            lease = m.lease();
        } catch (IllegalStateException e) {
            services.dialogs().showError("Cannot score variants", e.getMessage());
            return null;
        }
        window = q.window();
        VariantsRunTask task = new VariantsRunTask(lease.network(), q, model.labelProperty().get());
        running = task;
        model.runningProperty().set(true);
        model.progressProperty().set(-1);
        model.statusProperty().set("Scoring variants of " + q.vcf().getFileName() + " …");
        return services.tasks().submit(task, t -> {
            model.progressProperty().set(t.fraction());
            model.statusProperty().set(t.message());
        }, t -> {
            lease.close();
            running = null;
            model.runningProperty().set(false);
            model.progressProperty().set(0);
            if (t.status() == TaskStatus.FINISHED) {
                VariantsRunTask.Result r = t.result().join();
                model.rows().setAll(r.rows());
                model.statusProperty().set(r.summary().format().replace('\n', ' ') + ". Written to " + q.out() + ".");
                model.aurocProperty().set(r.summary().roc() == null ? "" : r.summary().roc().format());
            } else if (t.status() == TaskStatus.CANCELLED) {
                model.statusProperty().set("Cancelled; press Score variants again to continue where it stopped.");
            } else {
                model.statusProperty().set("Scoring variants failed.");
                services.dialogs().showError("Could not score variants", EngineTask.describe(
                        t.result().handle((v, e) -> e).join()));
            }
        });
    }

    private VariantScoring.Request request(LoadedModel m) {
        String vcf = model.vcfProperty().get().strip();
        String ref = model.referenceProperty().get().strip();
        String out = model.outProperty().get().strip();
        if (vcf.isEmpty() || ref.isEmpty() || out.isEmpty()) {
            throw new IllegalArgumentException("Choose the VCF, the reference genome and the output file.");
        }
        int w;
        String wt = model.windowProperty().get().strip().replace(",", "");
        int context = m.inspection().config().maxSeqlen();
        if (wt.isEmpty()) {
            w = VariantScoring.defaultWindow(context);
        } else {
            try {
                w = Integer.parseInt(wt);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Window: '" + wt + "' is not a number of bases.");
            }
        }
        Path outPath = Path.of(out);
        String name = outPath.getFileName().toString().replaceFirst("(?i)(\\.vcf)?(\\.gz)?$", "");
        String label = model.labelProperty().get().strip();
        return new VariantScoring.Request(Path.of(vcf), Path.of(ref), VariantScoring.defaultCacheFolder(), outPath,
                outPath.resolveSibling(name + ".tsv"), w, 8,
                null,
                label.isEmpty() ? null : outPath.resolveSibling(name + ".roc"), m.name());
    }

    private void cancel() {
        if (running != null) {
            running.cancel();
        }
    }

    /** Opens the reference window of {@code row} as a record in the Score view, the variant selected as region. */
    public void openInScore(VariantRow row) {
        if (row == null) {
            return;
        }
        Path ref = Path.of(model.referenceProperty().get().strip());
        int w = window > 0 ? window : 8192;
        EngineTask<ReferenceWindow> fetch = new EngineTask<>("Fetch " + row.chrom() + ":" + row.pos()) {
            @Override
            protected ReferenceWindow call() throws Exception {
                return ReferenceWindow.around(ref, VariantScoring.defaultCacheFolder(), row.chrom(), row.pos(), w);
            }
        };
        services.tasks().submit(fetch, t -> { }, t -> {
            if (t.status() != TaskStatus.FINISHED) {
                services.dialogs().showError("Cannot show the variant", EngineTask.describe(
                        t.result().handle((v, e) -> e).join()));
                return;
            }
            ReferenceWindow win = t.result().join();
            LoadedRecord rec = services.workspace().records().stream()
                    .filter(r -> r.id().equals(win.name())).findFirst().orElseGet(() -> {
                        SequenceRecord s = new SequenceRecord(win.name(), "reference window of " + row.id() + " "
                                + row.ref() + ">" + row.alt(), win.bases(), Topology.LINEAR, MoleculeType.DNA,
                                List.of(), List.of(), ref.getFileName() + ":" + win.contig(), Map.of());
                        LoadedRecord r = new LoadedRecord(ref, s, RecordQc.of(s), GcProfile.overview(win.bases()));
                        services.workspace().records().add(r);
                        return r;
                    });
            score.pasteModeProperty().set(false);
            score.recordProperty().set(rec);
            int at = win.variantIndex() + 1;
            score.regionFromProperty().set("");
            score.regionToProperty().set("");
            score.statusProperty().set(String.format(Locale.ROOT, "%s: the variant %s %s>%s is base %,d of this "
                    + "window; press Score.", win.name(), row.id(), row.ref(), row.alt(), at));
            showView.accept("Score");
        });
    }
}
