package org.evo2wb.app.ui.score;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javafx.scene.Node;
import org.evo2wb.app.data.LoadedRecord;
import org.evo2wb.app.models.LoadedModel;
import org.evo2wb.app.ui.AppServices;
import org.evo2wb.app.ui.DialogService.FileFilter;
import org.evo2wb.bio.Feature;
import org.evo2wb.bio.Iupac;
import org.evo2wb.engine.embed.EmbedTask;
import org.evo2wb.engine.embed.Embeddings;
import org.evo2wb.engine.embed.LayerName;
import org.evo2wb.engine.load.ScoringContext;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.score.CodonEffects;
import org.evo2wb.engine.score.Mutagenesis;
import org.evo2wb.engine.score.MutagenesisTask;
import org.evo2wb.engine.score.Scorer;
import org.evo2wb.engine.score.ScoringOptions;
import org.evo2wb.engine.task.EngineTask;
import org.evo2wb.engine.task.TaskStatus;

/**
 * The Score view: score a record, a region of it, or a pasted sequence with the current model (and a second model
 * for the Δ track) in the background, show the per-base tracks in the browser, run saturation mutagenesis on the
 * selected bases, and export pictures and tables. A new score or mutagenesis request cancels the running one: the
 * latest request wins.
 */
public final class ScoreController {

    /** Batch rows for scoring and mutagenesis. */
    static final int BATCH = 8;

    private final AppServices services;
    private final ScoreModel model;
    private final Navigation nav;
    private final BrowserView browser;
    private final Node view;
    private ScoreRecordTask scoring;
    private MutagenesisTask mutating;

    public ScoreController(AppServices services) {
        this.services = services;
        this.model = new ScoreModel(services.workspace());
        this.nav = new Navigation(model);
        this.browser = new BrowserView(model, nav);
        this.view = new ScoreViewBuilder(model, browser, new ScoreViewBuilder.Actions(this::score, this::cancelScore,
                this::mutagenesis, this::cancelMutagenesis, this::goTo, nav, this::export, this::swap, this::label,
                this::context, this::exportEmbeddings)).build();
        // the record chosen follows the open records, including those opened before this view was first shown
        model.records().addListener((javafx.collections.ListChangeListener<LoadedRecord>) c -> keepRecordOpen());
        keepRecordOpen();
        model.models().addListener((javafx.collections.ListChangeListener<LoadedModel>) c -> {
            if (!model.models().contains(model.compareProperty().get())) {
                model.compareProperty().set(null);
            }
        });
        model.viewProperty().addListener((obs, o, v) -> {
            ScoreResult r = model.resultProperty().get();
            if (r != null && v != null) {
                model.locusProperty().set(new Frame(v.start(), v.end(), 1000).locus(r.id()));
            }
        });
        model.statusProperty().set("Load a model in Models and open sequences in Data, then press Score.");
    }

    private void keepRecordOpen() {
        if (!model.records().contains(model.recordProperty().get())) {
            model.recordProperty().set(model.records().isEmpty() ? null : model.records().get(0));
        }
    }

    public Node view() {
        return view;
    }

    public ScoreModel model() {
        return model;
    }

    BrowserView browser() {
        return browser;
    }

    Navigation navigation() {
        return nav;
    }

    /**
     * How the view scores: BOS as chosen, forward strand only, batches of 8, windows of the models' context (or the
     * window typed) overlapping by the default for that window ({@link ScoringContext#defaultOverlap}).
     *
     * @throws IllegalArgumentException when the typed window is not a number of at least 2 bases
     */
    public ScoringOptions options() {
        return ScoringOptions.defaults().withBos(model.bosProperty().get()).withBatchSize(BATCH).withChunk(window());
    }

    /** The context of model A and B together: the shorter; 8,192 before any model is loaded. */
    int context() {
        LoadedModel a = model.currentProperty().get();
        LoadedModel b = model.compareProperty().get();
        int c = a == null ? 8192 : a.context();
        return b == null || b == a ? c : Math.min(c, b.context());
    }

    /** The window typed, or the models' context. */
    int window() {
        String t = model.windowProperty().get() == null ? "" : model.windowProperty().get().strip().replace(",", "");
        if (t.isEmpty()) {
            return context();
        }
        int w;
        try {
            w = Integer.parseInt(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("window: '" + t + "' is not a number of bases");
        }
        if (w < 2) {
            throw new IllegalArgumentException("window: at least 2 bases, got " + w);
        }
        return w;
    }

    /** The name the view gives a loaded model: short and distinct among the loaded models. */
    String label(LoadedModel m) {
        return LoadedModel.label(m, model.models());
    }

    /** Makes model B model A and model A model B. */
    void swap() {
        LoadedModel a = model.currentProperty().get();
        LoadedModel b = model.compareProperty().get();
        if (a == null || b == null) {
            return;
        }
        model.currentProperty().set(b);
        model.compareProperty().set(a);
    }

    private Optional<ScoreRecordTask.Request> request() {
        if (model.pasteModeProperty().get()) {
            return pasted(model.pastedTextProperty().get());
        }
        LoadedRecord r = model.recordProperty().get();
        if (r == null) {
            services.dialogs().showError("Nothing to score", "Open a sequence file in Data (or paste a sequence) and "
                    + "choose a record.");
            return Optional.empty();
        }
        String seq = model.upperCaseProperty().get() ? r.record().sequence().toUpperCase(Locale.ROOT)
                : r.record().sequence();
        int n = seq.length();
        try {
            int from = parsePosition(model.regionFromProperty().get(), 1);
            int to = parsePosition(model.regionToProperty().get(), n);
            if (from < 1 || to > n || from > to) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "the region %,d-%,d is not inside "
                        + "1-%,d", from, to, n));
            }
            return Optional.of(new ScoreRecordTask.Request(r.id(), seq, from - 1, to - from + 1, r.record().features()));
        } catch (IllegalArgumentException e) {
            services.dialogs().showError("Cannot score this region", "Record " + r.id() + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    private static int parsePosition(String text, int blank) {
        String t = text == null ? "" : text.strip().replace(",", "");
        if (t.isEmpty()) {
            return blank;
        }
        try {
            return Integer.parseInt(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text.strip() + "' is not a base position");
        }
    }

    private Optional<ScoreRecordTask.Request> pasted(String text) {
        String id = "pasted";
        StringBuilder seq = new StringBuilder();
        String[] lines = text == null ? new String[0] : text.split("\\R");
        for (int l = 0; l < lines.length; l++) {
            String line = lines[l].strip();
            if (line.startsWith(">")) {
                if (seq.length() == 0 && line.length() > 1) {
                    id = line.substring(1).strip().split("\\s+")[0];
                }
                continue;
            }
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (Character.isWhitespace(c) || Character.isDigit(c)) {
                    continue;
                }
                if (!Iupac.isNucleotide(c)) {
                    services.dialogs().showError("Cannot score the pasted sequence", String.format(Locale.ROOT,
                            "Pasted text, line %d, column %d: '%c' is not a nucleotide code (A, C, G, T, U, N or "
                                    + "an IUPAC ambiguity code).", l + 1, i + 1, c));
                    return Optional.empty();
                }
                seq.append(c);
            }
        }
        if (seq.length() < 2) {
            services.dialogs().showError("Cannot score the pasted sequence", "Paste at least two bases (plain or "
                    + "FASTA).");
            return Optional.empty();
        }
        String s = model.upperCaseProperty().get() ? seq.toString().toUpperCase(Locale.ROOT) : seq.toString();
        return Optional.of(new ScoreRecordTask.Request(id, s, 0, s.length(), List.of()));
    }

    /** Scores the chosen input with the current model (and model B); returns the task, or null if not started. */
    public ScoreRecordTask score() {
        LoadedModel a = model.currentProperty().get();
        if (a == null) {
            services.dialogs().showError("No model loaded", "Load a model in the Models view first; it becomes the "
                    + "current model that scores here.");
            return null;
        }
        Optional<ScoreRecordTask.Request> req = request();
        if (req.isEmpty()) {
            return null;
        }
        ScoreRecordTask.Request q = req.get();
        ScoringOptions options;
        try {
            options = options();
        } catch (IllegalArgumentException e) {
            services.dialogs().showError("Cannot score", e.getMessage());
            return null;
        }
        LoadedModel b = model.compareProperty().get() == a ? null : model.compareProperty().get();
        String beyond = ScoringContext.beyondContextWarning(b == null ? label(a) : label(a) + " and " + label(b),
                options.chunkLength(), context());
        List<LoadedModel> using = b == null ? List.of(a) : List.of(a, b);
        List<LoadedModel.Lease> leases = new ArrayList<>();
        List<StripedHyena> nets = new ArrayList<>();
        try {
            for (LoadedModel m : using) {
                LoadedModel.Lease l = m.lease();
                leases.add(l);
                nets.add(l.network());
            }
        } catch (IllegalStateException e) {
            leases.forEach(LoadedModel.Lease::close);
            services.dialogs().showError("Cannot score", e.getMessage());
            return null;
        }
        if (scoring != null) {
            scoring.cancel();                                   // the latest request wins
        }
        ScoreRecordTask task = new ScoreRecordTask(q, nets, using.stream().map(this::label).toList(), options);
        scoring = task;
        model.scoringProperty().set(true);
        model.progressProperty().set(-1);
        String warning = beyond == null ? "" : " ⚠ " + beyond + ".";
        model.statusProperty().set(String.format(Locale.ROOT, "Scoring %,d bases of %s%s …", q.length(), q.id(),
                q.length() > options.chunkLength() ? String.format(Locale.ROOT, " in windows of %,d bases "
                        + "overlapping by %,d", options.chunkLength(), options.chunkOverlap()) : "") + warning);
        return services.tasks().submit(task, t -> {
            if (t == scoring) {
                model.progressProperty().set(t.fraction());
            }
        }, t -> {
            leases.forEach(LoadedModel.Lease::close);
            if (t != scoring) {
                return;
            }
            scoring = null;
            model.scoringProperty().set(false);
            model.progressProperty().set(0);
            if (t.status() == TaskStatus.FINISHED) {
                show(t.result().join());
                model.statusProperty().set(summary(t.result().join(), t.elapsedSeconds()) + warning);
            } else if (t.status() == TaskStatus.CANCELLED) {
                model.statusProperty().set("Scoring cancelled.");
            } else {
                model.statusProperty().set("Scoring failed.");
                services.dialogs().showError("Could not score " + q.id(), EngineTask.describe(failure(t)));
            }
        });
    }

    /**
     * Shows a new result. When it covers the same record as the one shown, the zoom, the selection and the
     * mutagenesis heatmap stay where they still lie inside the scored bases (the heatmap only while model A is the
     * model it was computed with); otherwise the whole result is shown afresh.
     */
    private void show(ScoreResult r) {
        ScoreResult old = model.resultProperty().get();
        ScoreModel.ViewRange v = model.viewProperty().get();
        ScoreModel.Selection sel = model.selectionProperty().get();
        MutagenesisData mut = model.mutagenesisProperty().get();
        boolean same = old != null && old.id().equals(r.id()) && old.sequence().equals(r.sequence());
        model.resultProperty().set(r);
        if (same && v != null && v.start() >= r.offset() && v.end() <= r.end()) {
            model.viewProperty().set(v);
        } else {
            nav.whole();
        }
        if (!(same && sel != null && sel.start() >= r.offset() && sel.end() <= r.end())) {
            model.selectionProperty().set(null);
        }
        if (!(same && mut != null && mut.result().start() >= r.offset() && mut.result().end() <= r.end()
                && mut.modelName().equals(r.modelA()))) {
            model.mutagenesisProperty().set(null);
        }
    }

    private static String summary(ScoreResult r, double seconds) {
        String s = String.format(Locale.ROOT, "%s:%,d-%,d scored in %.1f s: mean log P %.4f nats per base (A: %s)",
                r.id(), r.offset() + 1, r.end(), seconds, r.a().mean(), r.modelA());
        if (r.b() != null) {
            s += String.format(Locale.ROOT, ", %.4f (B: %s)", r.b().mean(), r.modelB());
        }
        int chunk = r.options().chunkLength();
        if (r.length() > chunk) {
            s += String.format(Locale.ROOT, "; windows of %,d bases, each base predicted with at least %,d bases "
                    + "of context", chunk, r.options().chunkOverlap());
        } else {
            s += String.format(Locale.ROOT, "; window %,d bases", chunk);
        }
        return s + ".";
    }

    void cancelScore() {
        if (scoring != null) {
            scoring.cancel();
        }
    }

    /** Saturation mutagenesis of the selected bases with model A; returns the task, or null if not started. */
    public MutagenesisTask mutagenesis() {
        ScoreResult r = model.resultProperty().get();
        ScoreModel.Selection sel = model.selectionProperty().get();
        LoadedModel a = model.currentProperty().get();
        if (r == null || sel == null || a == null) {
            services.dialogs().showError("Nothing to mutate", "Score a sequence, then select bases in the browser "
                    + "(shift-drag, or click a feature) and press Mutagenesis.");
            return null;
        }
        Mutagenesis.Region region;
        try {
            region = new Mutagenesis.Region(r.id(), r.sequence(), sel.start(), sel.end(),
                    model.contextProperty().get());
        } catch (IllegalArgumentException e) {
            services.dialogs().showError("Cannot run mutagenesis", e.getMessage());
            return null;
        }
        LoadedModel.Lease lease;
        try {
            lease = a.lease();
        } catch (IllegalStateException e) {
            services.dialogs().showError("Cannot run mutagenesis", e.getMessage());
            return null;
        }
        if (mutating != null) {
            mutating.cancel();
        }
        MutagenesisTask task = new MutagenesisTask(lease.network(), region, Mutagenesis.fitting(region, options()));
        mutating = task;
        model.mutatingProperty().set(true);
        model.mutagenesisProgressProperty().set(0);
        model.mutagenesisStatusProperty().set(String.format(Locale.ROOT, "%,d substitutions, windows of %,d bases …",
                Mutagenesis.plannedVariants(region), region.windowEnd() - region.windowStart()));
        String name = label(a);
        List<Feature> features = r.features();
        return services.tasks().submit(task, t -> {
            if (t == mutating) {
                model.mutagenesisProgressProperty().set(t.fraction());
            }
        }, t -> {
            lease.close();
            if (t != mutating) {
                return;
            }
            mutating = null;
            model.mutatingProperty().set(false);
            model.mutagenesisProgressProperty().set(0);
            if (t.status() == TaskStatus.FINISHED) {
                Mutagenesis.Result res = t.result().join();
                CodonEffects.Call[] calls = null;
                try {
                    calls = CodonEffects.codingCalls(r.sequence(), features, res.start(), res.end()).orElse(null);
                } catch (IllegalArgumentException e) {
                    services.dialogs().showError("Codons not marked", r.id() + ": " + e.getMessage());
                }
                boolean coding = calls != null;
                model.mutagenesisProperty().set(MutagenesisData.of(res, calls, name));
                model.mutagenesisStatusProperty().set(String.format(Locale.ROOT, "%s:%,d-%,d: %,d substitutions "
                        + "in %.1f s%s", res.id(), res.start() + 1, res.end(), Mutagenesis.plannedVariants(region),
                        t.elapsedSeconds(), coding ? "; codons marked from the CDS annotation" : ""));
            } else if (t.status() == TaskStatus.CANCELLED) {
                model.mutagenesisStatusProperty().set("Mutagenesis cancelled.");
            } else {
                model.mutagenesisStatusProperty().set("Mutagenesis failed.");
                services.dialogs().showError("Mutagenesis failed", EngineTask.describe(failure(t)));
            }
        });
    }

    void cancelMutagenesis() {
        if (mutating != null) {
            mutating.cancel();
        }
    }

    void goTo(String text) {
        nav.goTo(text).ifPresent(msg -> services.dialogs().showError("Cannot go there", msg));
    }

    /** What an export writes. */
    enum Export {
        PNG("Image (PNG)", ".png", "*.png"),
        SVG("Image (SVG)", ".svg", "*.svg"),
        BEDGRAPH_LOGPROB("log P track (bedGraph)", "_logprob.bedgraph", "*.bedgraph"),
        BEDGRAPH_ENTROPY("Entropy track (bedGraph)", "_entropy.bedgraph", "*.bedgraph"),
        BEDGRAPH_DELTA("Δ track (bedGraph)", "_delta.bedgraph", "*.bedgraph"),
        WIG("All tracks (WIG)", ".wig", "*.wig"),
        CSV("All tracks (CSV)", ".csv", "*.csv"),
        MUTAGENESIS("Mutagenesis table (TSV)", "_mutagenesis.tsv", "*.tsv"),
        FEATURES("Per-feature means (CSV)", "_features.csv", "*.csv");

        final String label;
        final String suffix;
        final String pattern;

        Export(String label, String suffix, String pattern) {
            this.label = label;
            this.suffix = suffix;
            this.pattern = pattern;
        }
    }

    /** Asks where to save and writes the export; returns the file written, or empty. */
    Optional<Path> export(Export kind) {
        ScoreResult r = model.resultProperty().get();
        if (r == null) {
            services.dialogs().showError("Nothing to export", "Score a sequence first.");
            return Optional.empty();
        }
        MutagenesisData m = model.mutagenesisProperty().get();
        if (kind == Export.MUTAGENESIS && m == null || kind == Export.BEDGRAPH_DELTA && r.track("delta") == null) {
            services.dialogs().showError("Nothing to export", kind == Export.MUTAGENESIS
                    ? "Run a mutagenesis first." : "Score with a second model (Compare with) to get a Δ track.");
            return Optional.empty();
        }
        Optional<Path> file = services.dialogs().chooseSaveFile("Export " + kind.label,
                ScoreExports.fileName(r.id(), kind.suffix), FileFilter.of(kind.label, kind.pattern));
        if (file.isEmpty()) {
            return Optional.empty();
        }
        Path f = file.get();
        try {
            TrackRenderer.State s = browser.state();
            TrackRenderer.State still = new TrackRenderer.State(s.result(), s.mutagenesis(), s.start(), s.end(),
                    s.selStart(), s.selEnd(), s.mode(), s.windowing(), Double.NaN);
            double width = Math.max(800, browser.getWidth());
            switch (kind) {
                case PNG -> ScoreExports.png(f, still, width);
                case SVG -> ScoreExports.svg(f, still, width);
                default -> {
                    inBackground(kind, f, switch (kind) {
                        case BEDGRAPH_LOGPROB -> () -> ScoreExports.bedGraph(f, r, r.track("logprob"));
                        case BEDGRAPH_ENTROPY -> () -> ScoreExports.bedGraph(f, r, r.track("entropy"));
                        case BEDGRAPH_DELTA -> () -> ScoreExports.bedGraph(f, r, r.track("delta"));
                        case WIG -> () -> ScoreExports.wig(f, r);
                        case CSV -> () -> ScoreExports.csv(f, r);
                        case FEATURES -> () -> ScoreExports.featuresCsv(f, r);
                        default -> () -> ScoreExports.mutagenesisTsv(f, m);
                    });
                    return Optional.of(f);
                }
            }
            model.statusProperty().set("Wrote " + f + ".");
            return Optional.of(f);
        } catch (IOException | RuntimeException e) {
            services.dialogs().showError("Could not export " + kind.label, f + ": " + EngineTask.describe(e));
            return Optional.empty();
        }
    }

    /** Asks for the layers, pooling and format, then {@link #exportEmbeddings(EmbeddingExport)}. */
    void exportEmbeddings() {
        ScoreResult r = model.resultProperty().get();
        LoadedModel a = model.currentProperty().get();
        if (r == null || a == null) {
            services.dialogs().showError("Nothing to export", "Score a sequence first.");
            return;
        }
        int blocks = a.inspection().config().numLayers();
        javafx.stage.Window owner = view.getScene() == null ? null : view.getScene().getWindow();
        EmbeddingDialog.ask(owner, LayerName.offered(blocks), "blocks." + blocks / 2).ifPresent(this::exportEmbeddings);
    }

    /**
     * Writes the embeddings of the scored stretch (the record, or its scored region named {@code id:from-to}) with
     * the current model, through the engine entry of {@code evo2wb embed} ({@link EmbedTask}) as a background task.
     */
    Optional<Path> exportEmbeddings(EmbeddingExport e) {
        ScoreResult r = model.resultProperty().get();
        LoadedModel a = model.currentProperty().get();
        if (r == null || a == null) {
            services.dialogs().showError("Nothing to export", "Score a sequence first.");
            return Optional.empty();
        }
        int length = r.a().logProbs().length;
        String id = r.offset() == 0 && length == r.sequence().length() ? r.id()
                : r.id() + ":" + (r.offset() + 1) + "-" + (r.offset() + length);
        Optional<Path> file = services.dialogs().chooseSaveFile("Export embeddings",
                ScoreExports.fileName(r.id(), "_embeddings" + e.suffix()), FileFilter.of("Embeddings",
                        "*" + e.suffix()));
        if (file.isEmpty()) {
            return Optional.empty();
        }
        Path f = file.get();
        LoadedModel.Lease lease;
        List<LayerName> layers;
        try {
            lease = a.lease();
        } catch (IllegalStateException x) {
            services.dialogs().showError("Cannot export embeddings", x.getMessage());
            return Optional.empty();
        }
        try {
            layers = LayerName.parseAll(e.layers(), lease.network().architecture());
        } catch (IllegalArgumentException x) {
            lease.close();
            services.dialogs().showError("Cannot export embeddings", x.getMessage());
            return Optional.empty();
        }
        EmbedTask task = new EmbedTask(lease.network(), List.of(new Scorer.Input(id, r.sequence().substring(
                r.offset(), r.offset() + length))), layers, e.mean(), Embeddings.DEFAULT_CHUNK,
                Embeddings.DEFAULT_OVERLAP, f);
        model.statusProperty().set("Embedding " + id + " …");
        services.tasks().submit(task, t -> model.statusProperty().set(String.format(Locale.ROOT,
                "Embedding %s … %.0f%%", id, 100 * Math.max(0, t.fraction()))), t -> {
                    lease.close();
                    if (t.status() == TaskStatus.FINISHED) {
                        model.statusProperty().set(t.result().join().format() + "; wrote " + f + ".");
                    } else if (t.status() == TaskStatus.CANCELLED) {
                        model.statusProperty().set("Embeddings export cancelled.");
                    } else {
                        model.statusProperty().set("Embeddings export failed.");
                        services.dialogs().showError("Could not export embeddings", f + ": "
                                + EngineTask.describe(failure(t)));
                    }
                });
        return Optional.of(f);
    }

    /** Writes one export file. */
    @FunctionalInterface
    private interface Write {
        void run() throws IOException;
    }

    /** Table exports can be large (a megabase record): they are written by a background task. */
    private void inBackground(Export kind, Path f, Write write) {
        EngineTask<Path> task = new EngineTask<>("Export " + f.getFileName()) {
            @Override
            protected Path call() throws IOException {
                write.run();
                return f;
            }
        };
        model.statusProperty().set("Writing " + f + " …");
        services.tasks().submit(task, t -> { }, t -> {
            if (t.status() == TaskStatus.FINISHED) {
                model.statusProperty().set("Wrote " + f + ".");
            } else {
                model.statusProperty().set("Export failed.");
                services.dialogs().showError("Could not export " + kind.label, f + ": "
                        + EngineTask.describe(failure(t)));
            }
        });
    }

    private static Throwable failure(EngineTask<?> t) {
        return t.result().handle((v, e) -> e).join();
    }
}
