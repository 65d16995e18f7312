package org.evo2wb.app.ui.generate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import javafx.scene.Node;
import org.evo2wb.app.data.LoadedRecord;
import org.evo2wb.app.models.LoadedModel;
import org.evo2wb.app.ui.AppServices;
import org.evo2wb.app.ui.DialogService.FileFilter;
import org.evo2wb.engine.generate.GeneratedSample;
import org.evo2wb.engine.generate.Generation;
import org.evo2wb.engine.generate.GenerationRequest;
import org.evo2wb.engine.generate.GenerationTask;
import org.evo2wb.engine.generate.GenerationWriters;
import org.evo2wb.engine.generate.PromptRegion;
import org.evo2wb.engine.generate.SamplingSettings;
import org.evo2wb.engine.generate.SequenceQc;
import org.evo2wb.engine.io.AtomicFiles;
import org.evo2wb.engine.task.EngineTask;
import org.evo2wb.engine.task.TaskStatus;

/**
 * The Generate view: continue a record (or a region of it, or typed bases) with the current model, several samples
 * side by side, watching them grow; stop keeps what was written. Each finished sample shows its QC next to the
 * prompt's; samples export as FASTA with QC in the headers, and one can be opened in the Score view. The work is the
 * engine's {@link GenerationTask}, the same the {@code generate} command runs.
 */
public final class GenerateController {

    private final AppServices services;
    private final GenerateModel model;
    private final Node view;
    private GenerationTask running;
    private Consumer<String> openInScore = fasta -> { };

    public GenerateController(AppServices services) {
        this.services = services;
        this.model = new GenerateModel(services.workspace());
        this.view = new GenerateViewBuilder(model, new GenerateViewBuilder.Actions(this::generate, this::stop,
                this::export, this::openSelectedInScore)).build();
        // the record chosen follows the open records, including those opened before this view was first shown
        model.records().addListener((javafx.collections.ListChangeListener<LoadedRecord>) c -> keepRecordOpen());
        keepRecordOpen();
        model.statusProperty().set("Load a model in Models and open sequences in Data (or type a prompt), then "
                + "press Generate.");
    }

    private void keepRecordOpen() {
        if (!model.records().contains(model.recordProperty().get())) {
            model.recordProperty().set(model.records().isEmpty() ? null : model.records().get(0));
        }
    }

    public Node view() {
        return view;
    }

    public GenerateModel model() {
        return model;
    }

    /** Where "Open in Score" sends a sample (as FASTA text: the prompt followed by the sample). */
    public void onOpenInScore(Consumer<String> target) {
        this.openInScore = target;
    }

    /** The request the view's fields describe, or empty after telling the user what is wrong. */
    Optional<GenerationRequest> request() {
        try {
            String name;
            String bases;
            if (model.typedPromptProperty().get()) {
                name = "prompt";
                bases = model.promptTextProperty().get() == null ? "" : model.promptTextProperty().get()
                        .replaceAll("\\s+", "").toUpperCase(Locale.ROOT);
            } else {
                LoadedRecord r = model.recordProperty().get();
                if (r == null) {
                    throw new IllegalArgumentException("open a sequence file in Data and choose a record, or type "
                            + "a prompt");
                }
                name = r.id();
                bases = r.record().sequence().toUpperCase(Locale.ROOT);
            }
            String from = model.regionFromProperty().get().strip().replace(",", "");
            String to = model.regionToProperty().get().strip().replace(",", "");
            if (!from.isEmpty() || !to.isEmpty()) {
                PromptRegion reg = PromptRegion.parse((from.isEmpty() ? "1" : from) + "-"
                        + (to.isEmpty() ? Integer.toString(bases.length()) : to), bases.length(), name);
                bases = reg.of(bases);
                name = name + "_" + reg.start() + "-" + reg.end();
            }
            SamplingSettings s = new SamplingSettings(number("Temperature", model.temperatureProperty().get()),
                    whole("Top-k", model.topKProperty().get()), number("Top-p", model.topPProperty().get()),
                    Long.parseLong(model.seedProperty().get().strip()));
            return Optional.of(new GenerationRequest(name, bases, whole("Length", model.lengthProperty().get()),
                    whole("Samples", model.samplesProperty().get()), s));
        } catch (NumberFormatException e) {
            services.dialogs().showError("Cannot generate", "Seed: '" + model.seedProperty().get()
                    + "' is not a whole number");
        } catch (IllegalArgumentException e) {
            services.dialogs().showError("Cannot generate", e.getMessage());
        }
        return Optional.empty();
    }

    private static double number(String field, String text) {
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + ": '" + text + "' is not a number");
        }
    }

    private static int whole(String field, String text) {
        try {
            return Integer.parseInt(text.strip().replace(",", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + ": '" + text + "' is not a whole number");
        }
    }

    /** Starts a generation with the current model; returns the task, or null if not started. */
    public GenerationTask generate() {
        LoadedModel m = model.currentProperty().get();
        if (m == null) {
            services.dialogs().showError("No model loaded", "Load a model in the Models view first; it becomes the "
                    + "current model that generates here.");
            return null;
        }
        if (running != null) {
            services.dialogs().showError("Already generating", "Stop the running generation first.");
            return null;
        }
        Optional<GenerationRequest> req = request();
        if (req.isEmpty()) {
            return null;
        }
        GenerationRequest q = req.get();
        LoadedModel.Lease lease;
        try {
            lease = m.lease();
        } catch (IllegalStateException e) {
            services.dialogs().showError("Cannot generate", e.getMessage());
            return null;
        }
        GenerationTask task = new GenerationTask(lease.network(), q);
        running = task;
        model.resultProperty().set(null);
        model.rows().setAll(promptRow(q, Double.NaN));
        model.runningProperty().set(true);
        model.progressProperty().set(-1);
        model.statusProperty().set(String.format(Locale.ROOT, "Generating %d x %,d bases after %,d prompt bases "
                + "with %s …", q.samples(), q.length(), q.prompt().length(), m.name()));
        return services.tasks().submit(task, t -> {
            model.progressProperty().set(t.fraction());
            List<String> partial = t.partial();
            if (!partial.isEmpty()) {
                List<SampleRow> rows = new ArrayList<>();
                rows.add(model.rows().get(0));
                for (int i = 0; i < partial.size(); i++) {
                    rows.add(new SampleRow(q.promptName() + "_sample" + (i + 1), partial.get(i), null, Double.NaN, i));
                }
                model.rows().setAll(rows);
            }
        }, t -> {
            lease.close();
            running = null;
            model.runningProperty().set(false);
            model.progressProperty().set(0);
            if (t.status() == TaskStatus.FINISHED) {
                show(t.result().join());
            } else if (t.status() == TaskStatus.CANCELLED) {
                model.statusProperty().set("Generation cancelled.");
            } else {
                model.statusProperty().set("Generation failed.");
                services.dialogs().showError("Could not generate", EngineTask.describe(
                        t.result().handle((v, e) -> e).join()));
            }
        });
    }

    private static SampleRow promptRow(GenerationRequest q, double meanLl) {
        return new SampleRow(q.promptName() + " (prompt)", q.prompt(), SequenceQc.of(q.prompt()), meanLl, -1);
    }

    private void show(Generation g) {
        List<SampleRow> rows = new ArrayList<>();
        rows.add(promptRow(g.request(), g.promptMeanLogLikelihood()));
        for (GeneratedSample s : g.samples()) {
            rows.add(new SampleRow(GenerationWriters.sampleId(g, s), s.bases(), s.qc(), s.meanLogLikelihood(),
                    s.index()));
        }
        model.rows().setAll(rows);
        model.resultProperty().set(g);
        model.statusProperty().set(String.format(Locale.ROOT, "%s %d x %,d bases in %.1f s (%,.1f bases/s).",
                g.stopped() ? "Stopped after" : "Generated", g.samples().size(),
                g.samples().isEmpty() ? 0 : g.samples().get(0).bases().length(), g.seconds(), g.basesPerSecond()));
    }

    /** Ends the samples where they are; what was written is kept. */
    void stop() {
        if (running != null) {
            running.stop();
        }
    }

    /** Asks where to save and writes the samples as FASTA (QC in the headers); returns the file, or empty. */
    Optional<Path> export() {
        Generation g = model.resultProperty().get();
        if (g == null) {
            services.dialogs().showError("Nothing to export", "Generate samples first.");
            return Optional.empty();
        }
        Optional<Path> file = services.dialogs().chooseSaveFile("Export samples as FASTA",
                g.request().promptName().replaceAll("[^A-Za-z0-9._-]", "_") + "_samples.fasta",
                FileFilter.of("FASTA", "*.fasta", "*.fa"));
        file.ifPresent(f -> {
            try {
                AtomicFiles.writeText(f, w -> GenerationWriters.fasta(w, g));
                model.statusProperty().set("Wrote " + f + ".");
            } catch (Exception e) {
                services.dialogs().showError("Could not write " + f, EngineTask.describe(e));
            }
        });
        return file;
    }

    /** Sends the selected sample, after its prompt, to the Score view. */
    void openSelectedInScore() {
        SampleRow row = model.selectedProperty().get();
        Generation g = model.resultProperty().get();
        if (row == null || row.sample() < 0 || g == null) {
            services.dialogs().showError("No sample chosen", "Generate samples, then select one in the table.");
            return;
        }
        openInScore.accept(">" + row.name() + "\n" + g.request().prompt() + row.bases() + "\n");
    }
}
