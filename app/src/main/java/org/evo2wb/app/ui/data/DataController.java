package org.evo2wb.app.ui.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javafx.scene.Node;
import org.evo2wb.app.data.LoadFailure;
import org.evo2wb.app.data.LoadFilesTask;
import org.evo2wb.app.data.LoadResult;
import org.evo2wb.app.data.LoadedRecord;
import org.evo2wb.app.ui.AppServices;
import org.evo2wb.engine.task.EngineTask;
import org.evo2wb.engine.task.TaskStatus;

/**
 * The Data view: open sequence files (dialog, drag and drop, or command line), read them in the background with a
 * {@link LoadFilesTask}, and list their records. A file that cannot be read is reported in one error dialog naming
 * the file, record and line; the other files are still added.
 */
public final class DataController {

    private final AppServices services;
    private final DataModel model;
    private final Node view;
    private LoadFilesTask running;

    public DataController(AppServices services) {
        this.services = services;
        this.model = new DataModel(services.workspace().records());
        this.view = new DataViewBuilder(model, new DataViewBuilder.Actions(
                this::openWithDialog, this::open, this::cancel, this::clear)).build();
        showSummary();
    }

    public Node view() {
        return view;
    }

    public DataModel model() {
        return model;
    }

    /** The Open button: asks the dialog service for files and loads them. */
    public void openWithDialog() {
        List<Path> files = services.dialogs().chooseSequenceFiles();
        if (!files.isEmpty()) {
            open(files);
        }
    }

    /** Starts loading the files in the background; returns the task, or null if a load is already running. */
    public LoadFilesTask open(List<Path> files) {
        if (running != null || files.isEmpty()) {
            return null;
        }
        running = new LoadFilesTask(files);
        model.loadingProperty().set(true);
        model.progressProperty().set(-1);
        model.statusProperty().set(running.title());
        return services.tasks().submit(running, this::tick, this::finished);
    }

    /** Asks the running load to stop; files already read by then are dropped. */
    public void cancel() {
        if (running != null) {
            running.cancel();
        }
    }

    public void clear() {
        model.records().clear();
        model.problems().clear();
        model.selectedProperty().set(null);
        showSummary();
    }

    private void tick(LoadFilesTask task) {
        model.progressProperty().set(task.fraction());
        if (!task.message().isBlank()) {
            model.statusProperty().set(task.message());
        }
    }

    private void finished(LoadFilesTask task) {
        running = null;
        model.loadingProperty().set(false);
        model.progressProperty().set(0);
        if (task.status() == TaskStatus.FINISHED) {
            LoadResult result = task.result().join();
            List<LoadedRecord> added = result.records();
            model.records().addAll(added);
            if (model.selectedProperty().get() == null && !added.isEmpty()) {
                model.selectedProperty().set(added.get(0));
            }
            showSummary();
            for (LoadedRecord r : added) {
                for (String w : r.record().warnings()) {
                    model.problems().add(r.file().getFileName() + ", record " + r.id() + ": " + w);
                }
            }
            reportFailures(result.failures());
        } else if (task.status() == TaskStatus.CANCELLED) {
            showSummary();
            model.statusProperty().set("Loading cancelled. " + model.statusProperty().get());
        } else {
            showSummary();
            Throwable e = task.result().handle((v, t) -> t).join();
            services.dialogs().showError("Could not load the files", EngineTask.describe(e));
        }
    }

    private void reportFailures(List<LoadFailure> failures) {
        if (failures.isEmpty()) {
            return;
        }
        failures.forEach(f -> model.problems().add(f.message()));
        String title = failures.size() == 1 ? "Could not read a file" : "Could not read " + failures.size() + " files";
        String text = failures.stream().map(LoadFailure::message).collect(Collectors.joining("\n\n"));
        services.dialogs().showError(title, text);
    }

    private void showSummary() {
        List<LoadedRecord> records = model.records();
        if (records.isEmpty()) {
            model.statusProperty().set("No sequences open. Open FASTA, GenBank or EMBL files, or drop them here.");
            return;
        }
        long files = records.stream().map(LoadedRecord::file).distinct().count();
        long bases = records.stream().mapToLong(r -> r.record().length()).sum();
        model.statusProperty().set(String.format(Locale.ROOT, "%d %s, %,d %s, %,d bp", files,
                files == 1 ? "file" : "files", records.size(), records.size() == 1 ? "record" : "records", bases));
    }
}
