package org.evo2wb.app.ui.models;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.Node;
import org.evo2wb.app.models.CatalogRow;
import org.evo2wb.app.models.AvailableDevices;
import org.evo2wb.app.models.FreshStartCheck;
import org.evo2wb.app.ui.AppServices;
import org.evo2wb.engine.hub.DownloadQueue;
import org.evo2wb.engine.hub.HubDownload;
import org.evo2wb.engine.hub.ModelCatalog;
import org.evo2wb.engine.hub.ModelDownloads;
import org.evo2wb.engine.hub.WorkbenchFolders;
import org.evo2wb.engine.runtime.GpuRuntimeSetup;
import org.evo2wb.engine.runtime.LibtorchArchive;
import org.evo2wb.engine.runtime.NvidiaDriver;
import org.evo2wb.engine.task.EngineTask;
import org.evo2wb.engine.task.TaskStatus;
import org.evo2wb.engine.train.parallel.TrainingMemoryEstimate;

/**
 * The **Get models…** pane of the Models view: the catalog of released Evo 2 checkpoints against this computer's
 * devices, verified downloads queued one after another (progress, speed, time left, cancel), and the GPU runtime
 * set-up. A finished download is handed to {@code downloaded} (the Models view lists it, its preset beside it).
 * Downloads run on their own thread ({@link DownloadQueue}); a 250 ms timer copies their counters into the rows.
 */
public final class GetModelsController implements AutoCloseable {

    /** A queued download or set-up as the list shows it. */
    public record Row(EngineTask<?> task, String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    private final AppServices services;
    private final Consumer<Path> downloaded;
    private final DownloadQueue queue = new DownloadQueue();
    private final ModelCatalog catalog = ModelCatalog.load();
    private final ObservableList<CatalogRow> rows = FXCollections.observableArrayList();
    private final ObservableList<Row> downloads = FXCollections.observableArrayList();
    private final ObjectProperty<CatalogRow> selected = new SimpleObjectProperty<>();
    private final ObjectProperty<Path> folder = new SimpleObjectProperty<>(WorkbenchFolders.models());
    private final StringProperty revision = new SimpleStringProperty("main");
    private final StringProperty gpuText = new SimpleStringProperty("Looking for an NVIDIA driver…");
    private final StringProperty checkText = new SimpleStringProperty("");
    private final java.util.Set<EngineTask<?>> reported = new java.util.HashSet<>();
    private final Timeline timer;
    private final Node view;

    public GetModelsController(AppServices services, List<AvailableDevices.Option> devices, Consumer<Path> downloaded) {
        this.services = services;
        this.downloaded = downloaded;
        rows.setAll(CatalogRow.of(catalog, devices));
        if (!rows.isEmpty()) {
            selected.set(rows.get(0));
        }
        timer = new Timeline(new KeyFrame(javafx.util.Duration.millis(250), e -> refresh()));
        timer.setCycleCount(Timeline.INDEFINITE);
        timer.play();
        detectDriver();
        view = new GetModelsViewBuilder(this).build();
    }

    public Node view() {
        return view;
    }

    ModelCatalog catalog() {
        return catalog;
    }

    ObservableList<CatalogRow> rows() {
        return rows;
    }

    public ObservableList<Row> downloads() {
        return downloads;
    }

    ObjectProperty<CatalogRow> selectedProperty() {
        return selected;
    }

    /** The folder downloads go into, one sub-folder per repository. */
    public ObjectProperty<Path> folderProperty() {
        return folder;
    }

    StringProperty revisionProperty() {
        return revision;
    }

    StringProperty gpuTextProperty() {
        return gpuText;
    }

    StringProperty checkTextProperty() {
        return checkText;
    }

    void chooseFolder() {
        services.dialogs().chooseFolder("Folder for downloaded models", folder.get()).ifPresent(folder::set);
    }

    /** Queues the download of the selected checkpoint. */
    void downloadSelected() {
        CatalogRow r = selected.get();
        if (r != null) {
            download(r.entry().repo());
        }
    }

    /** Queues the download of {@code repo} into the folder's {@code <name>} sub-folder. */
    public HubDownload download(String repo) {
        String rev = revision.get() == null || revision.get().isBlank() ? "main" : revision.get().strip();
        HubDownload d = ModelDownloads.create(repo, Optional.of(rev),
                Optional.of(folder.get().resolve(repo.substring(repo.indexOf('/') + 1))));
        queue.add(d);
        downloads.add(new Row(d, describe(d)));
        return d;
    }

    /** Queues the GPU runtime set-up; when it is done the start-up check runs as the next start will. */
    void setUpGpu() {
        GpuRuntimeSetup s = GpuRuntimeSetup.standard();
        queue.add(s);
        downloads.add(new Row(s, describe(s)));
    }

    void cancel(Row row) {
        if (row != null) {
            row.task().cancel();
        }
    }

    private void detectDriver() {
        EngineTask<NvidiaDriver> t = new EngineTask<>("Look for an NVIDIA driver") {
            @Override
            protected NvidiaDriver call() {
                return NvidiaDriver.detect();
            }
        };
        services.tasks().submit(t, x -> { }, x -> {
            if (x.status() == TaskStatus.FINISHED) {
                gpuText.set(x.result().join().describe(LibtorchArchive.published().cuda()));
            }
        });
    }

    /** Copies the counters of the queued tasks into their rows, and reports those that ended. */
    void refresh() {
        for (int i = 0; i < downloads.size(); i++) {
            Row r = downloads.get(i);
            String text = describe(r.task());
            if (!text.equals(r.text())) {
                downloads.set(i, new Row(r.task(), text));
            }
            if (r.task().status().isFinal() && reported.add(r.task())) {
                ended(r.task());
            }
        }
    }

    private void ended(EngineTask<?> t) {
        if (t.status() == TaskStatus.FAILED) {
            services.dialogs().showError(t.title() + " failed", t.message());
            return;
        }
        if (t.status() != TaskStatus.FINISHED) {
            return;
        }
        if (t instanceof HubDownload d) {
            d.result().join().checkpoint().ifPresent(downloaded);
        } else if (t instanceof GpuRuntimeSetup) {
            checkText.set("GPU runtime set up. Checking the devices as the next start will…");
            EngineTask<FreshStartCheck.Result> check = new EngineTask<>("Check the devices") {
                @Override
                protected FreshStartCheck.Result call() throws Exception {
                    return FreshStartCheck.run(Duration.ofMinutes(5));
                }
            };
            services.tasks().submit(check, x -> { }, x -> checkText.set(x.status() == TaskStatus.FINISHED
                    ? (x.result().join().passed() ? "A GPU passed the start-up check: restart the workbench to use "
                            + "it.\n" : "No GPU passed the start-up check; the workbench keeps running on the CPU "
                            + "(evo2wb gpu reset forgets the runtime).\n") + x.result().join().output()
                    : "The device check could not run: " + x.message()));
        }
    }

    /** {@code arcinstitute/evo2_7b: evo2_7b.pt (2 of 4) 1.2 GB of 13.8 GB, 45.0 MB/s, 4m50s left}. */
    static String describe(EngineTask<?> t) {
        String state = switch (t.status()) {
            case WAITING -> "waiting";
            case RUNNING -> t instanceof HubDownload d ? d.message() + " " + d.figures()
                    + (d.retryNote().isEmpty() ? "" : " (" + d.retryNote() + ")")
                    : t.message() + (t.fraction() >= 0 ? String.format(Locale.ROOT, " %.0f%%", 100 * t.fraction())
                            : "");
            case FINISHED -> "done: " + (t instanceof HubDownload d ? d.result().join().folder()
                    + " (" + TrainingMemoryEstimate.bytes(d.done()) + ")" : t.message());
            case CANCELLED -> "cancelled (verified files and the partial one are kept: download again to resume)";
            case FAILED -> "failed: " + t.message();
        };
        String what = t instanceof HubDownload d ? d.repo() : "GPU runtime (libtorch "
                + LibtorchArchive.published().version() + " " + LibtorchArchive.published().flavor() + ")";
        return what + ": " + state;
    }

    @Override
    public void close() {
        timer.stop();
        queue.close();
    }
}
