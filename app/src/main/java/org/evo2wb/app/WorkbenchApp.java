package org.evo2wb.app;

import java.nio.file.Path;
import java.util.List;
import javafx.application.Application;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.evo2wb.app.startup.FirstFrame;
import org.evo2wb.app.startup.StartupReport;
import org.evo2wb.app.ui.AppServices;
import org.evo2wb.app.ui.FxDialogService;
import org.evo2wb.app.ui.TaskMonitor;
import org.evo2wb.app.ui.Workbench;
import org.evo2wb.app.ui.Workspace;
import org.evo2wb.engine.task.TaskRunner;

/** The JavaFX workbench window. File names given as arguments are opened in the Data view. */
public class WorkbenchApp extends Application {

    private TaskMonitor tasks;

    @Override
    public void start(Stage stage) {
        StartupReport.mark(StartupReport.FX_STARTED);
        tasks = new TaskMonitor(new TaskRunner(2));
        // the engine's start-up work (looking for GPUs, which loads PyTorch; reading and loading the default model)
        // waits until the window has been drawn, so the window comes first on a busy computer
        tasks.hold();
        Workspace workspace = new Workspace();
        Workbench workbench = new Workbench(new AppServices(new FxDialogService(stage), tasks, workspace));
        stage.setTitle("Evo2 Workbench");
        stage.setScene(new Scene(workbench.root(), 1280, 820));
        stage.show();
        StartupReport.watch(workspace.currentModelProperty());
        FirstFrame.then(tasks::release);
        List<Path> files = getParameters().getUnnamed().stream().map(Path::of).toList();
        if (!files.isEmpty()) {
            workbench.open(files);
        }
    }

    @Override
    public void stop() {
        if (tasks != null) {
            tasks.close();
        }
    }

    public static void main(String[] args) {
        org.evo2wb.engine.runtime.GpuRuntimeSettings.apply(System.getenv());
        launch(args);
    }
}
