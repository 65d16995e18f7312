package org.evo2wb.app.ui;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.StackPane;
import org.controlsfx.control.StatusBar;
import org.evo2wb.app.ui.data.DataController;
import org.evo2wb.app.ui.finetune.FineTuneController;
import org.evo2wb.app.ui.models.ModelsController;
import org.evo2wb.app.ui.generate.GenerateController;
import org.evo2wb.app.ui.score.ScoreController;
import org.evo2wb.app.ui.variants.VariantsController;

/**
 * The main window's content: navigation on the left, the selected view in the middle, a status bar with the running
 * task and heap use at the bottom. The list in {@link #views()} is the one place where views are registered.
 */
public final class Workbench {

    private final AppServices services;
    private final DataController data;
    private final ModelsController models;
    /** Built when first shown or asked for: a window with every view built at once took seconds longer to appear. */
    private ScoreController score;
    private FineTuneController finetune;
    private VariantsController variants;
    private GenerateController generate;
    private final ListView<ViewEntry> navigation = new ListView<>();
    private final StackPane content = new StackPane();
    private final BorderPane root = new BorderPane();

    public Workbench(AppServices services) {
        this.services = services;
        this.data = new DataController(services);
        this.models = new ModelsController(services);
        navigation.getItems().setAll(views());
        navigation.setId("navigation");
        navigation.setPrefWidth(150);
        navigation.getSelectionModel().selectedItemProperty().addListener((obs, old, entry) -> {
            if (entry != null) {
                content.getChildren().setAll(entry.view());
            }
        });
        navigation.getSelectionModel().selectFirst();
        root.setLeft(navigation);
        root.setCenter(content);
        root.setBottom(statusBar());
        root.getStylesheets().add(Workbench.class.getResource("workbench.css").toExternalForm());
    }

    /** The views, in navigation order. Add a view here: one line, plus its controller class. */
    private List<ViewEntry> views() {
        return List.of(
                new ViewEntry("Data", data::view),
                new ViewEntry("Models", models::view),
                new ViewEntry("Fine-tune", () -> finetune().view()),
                new ViewEntry("Score", () -> score().view()),
                new ViewEntry("Variants", () -> variants().view()),
                new ViewEntry("Generate", () -> generate().view()));
    }

    private StatusBar statusBar() {
        StatusBar bar = new StatusBar();
        bar.setId("status-bar");
        bar.textProperty().bind(services.tasks().textProperty());
        bar.progressProperty().bind(services.tasks().progressProperty());
        Label memory = new Label();
        memory.setId("memory");
        memory.setPadding(new Insets(0, 8, 0, 8));
        memory.textProperty().bind(services.tasks().memoryProperty());
        bar.getRightItems().add(memory);
        return bar;
    }

    public Parent root() {
        return root;
    }

    /** Shows the view with this navigation title. */
    public void show(String title) {
        navigation.getItems().stream().filter(v -> v.title().equals(title)).findFirst()
                .ifPresent(v -> navigation.getSelectionModel().select(v));
    }

    /** Loads files into the Data view, as its Open action and drag and drop do. */
    public void open(List<Path> files) {
        show("Data");
        data.open(files);
    }

    public DataController data() {
        return data;
    }

    public ModelsController models() {
        return models;
    }

    /** The Score view's controller (built on first use). */
    public ScoreController score() {
        return onFxThread(this::buildScore);
    }

    private ScoreController buildScore() {
        if (score == null) {
            score = new ScoreController(services);
        }
        return score;
    }

    /** The Generate view's controller (built on first use). */
    public GenerateController generate() {
        return onFxThread(this::buildGenerate);
    }

    private GenerateController buildGenerate() {
        if (generate == null) {
            generate = new GenerateController(services);
            generate.onOpenInScore(fasta -> {
                ScoreController s = score();
                s.model().pasteModeProperty().set(true);
                s.model().pastedTextProperty().set(fasta);
                show("Score");
                s.score();
            });
        }
        return generate;
    }

    /** The Fine-tune view's controller (built on first use). */
    public FineTuneController finetune() {
        return onFxThread(this::buildFinetune);
    }

    private FineTuneController buildFinetune() {
        if (finetune == null) {
            finetune = new FineTuneController(services);
            finetune.onShowView(this::show);
        }
        return finetune;
    }

    /** The Variants view's controller (built on first use). */
    public VariantsController variants() {
        return onFxThread(this::buildVariants);
    }

    private VariantsController buildVariants() {
        if (variants == null) {
            variants = new VariantsController(services, score().model(), this::show);
        }
        return variants;
    }

    /** Views are built on the FX thread: a caller on another thread waits for it there. */
    private static <T> T onFxThread(Supplier<T> build) {
        if (Platform.isFxApplicationThread()) {
            return build.get();
        }
        FutureTask<T> task = new FutureTask<>(build::get);
        Platform.runLater(task);
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the view was built", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }
}
