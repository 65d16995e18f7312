package org.evo2wb.app.ui;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.evo2wb.engine.task.TaskRunner;
import org.testfx.util.WaitForAsyncUtils;

/** A workbench in a test stage, with recorded dialogs, as {@code WorkbenchApp} builds it. */
public final class WorkbenchFixture {

    public final RecordingDialogs dialogs = new RecordingDialogs();
    public final Workspace workspace = new Workspace();
    public TaskMonitor tasks;
    public Workbench workbench;
    public Stage stage;

    /** Call from a TestFX {@code @Start} method. */
    public void start(Stage stage) {
        this.stage = stage;
        tasks = new TaskMonitor(new TaskRunner(2));
        workbench = new Workbench(new AppServices(dialogs, tasks, workspace));
        stage.setScene(new Scene(workbench.root(), 1280, 820));
        stage.show();
    }

    public void stop() {
        if (tasks != null) {
            WaitForAsyncUtils.asyncFx(tasks::close);
            WaitForAsyncUtils.waitForFxEvents();
        }
    }

    /** Waits until no load is running in the Data view (the Open button is enabled again). */
    public void awaitLoaded() {
        waitUntil(() -> !workbench.data().model().loadingProperty().get() && tasks.active() == 0);
    }

    /** Waits until no task started through the workbench is running. */
    public void awaitIdle() {
        waitUntil(() -> tasks.active() == 0);
    }

    /** Opens a checkpoint through the Models view's Open button and waits until its figures are shown. */
    public void openCheckpoint(org.testfx.api.FxRobot robot, java.nio.file.Path weights) {
        WaitForAsyncUtils.asyncFx(() -> workbench.show("Models"));
        WaitForAsyncUtils.waitForFxEvents();
        dialogs.willChooseFile(weights);
        robot.clickOn("#open-checkpoint");
        waitUntil(() -> workbench.models().model().inspectionProperty().get() != null
                && workbench.models().model().inspectionProperty().get().source().weights().equals(weights));
    }

    /** Opens and loads a checkpoint through the Models view; it becomes the current model. */
    public void loadModel(org.testfx.api.FxRobot robot, java.nio.file.Path weights) {
        openCheckpoint(robot, weights);
        robot.clickOn("#load-model");
        waitUntil(() -> !workbench.models().model().loadingProperty().get()
                && workspace.currentModel() != null
                && workspace.currentModel().source().weights().equals(weights));
        awaitIdle();
    }

    /**
     * Shows the Score view, sets its region (1-based, as typed) and scores it with the Score button; returns once the
     * work is done.
     */
    public org.evo2wb.app.ui.score.ScoreModel scoreRegion(org.testfx.api.FxRobot robot, String from, String to) {
        org.evo2wb.app.ui.score.ScoreModel m = workbench.score().model();
        robot.interact(() -> {
            workbench.show("Score");
            m.regionFromProperty().set(from);
            m.regionToProperty().set(to);
        });
        robot.clickOn("#score-run");
        awaitIdle();
        return m;
    }

    /** Opens sequence files through the Data view's Open button and waits until they are loaded. */
    public void openData(org.testfx.api.FxRobot robot, java.nio.file.Path... files) {
        robot.interact(() -> workbench.show("Data"));
        dialogs.willChoose(files);
        robot.clickOn("#open-files");
        awaitLoaded();
    }

    /** Types into a Fine-tune setting's field (its text, which the form listens to) and waits for the form. */
    public void setSetting(org.testfx.api.FxRobot robot, String name, String text) {
        robot.interact(() -> robot.lookup("#setting-" + name).queryAs(javafx.scene.control.TextField.class)
                .setText(text));
        awaitIdle();
    }

    /** Lists the bundled default model in the Models view and loads it; it becomes the current model. */
    public void loadDefaultModel(org.testfx.api.FxRobot robot) {
        org.evo2wb.app.models.ModelSource source = org.evo2wb.app.models.ModelSource.bundled().orElseThrow();
        robot.interact(() -> {
            workbench.show("Models");
            workbench.models().addSource(source);
        });
        waitUntil(() -> workbench.models().model().inspectionProperty().get() != null
                && workbench.models().model().inspectionProperty().get().loadable());
        robot.clickOn("#load-model");
        waitUntil(() -> workspace.currentModel() != null
                && workspace.currentModel().source().kind() == org.evo2wb.app.models.ModelSource.Kind.DEFAULT);
        awaitIdle();
    }

    /** Waits until the condition, checked on the FX thread, holds; fails the test after 30 s. */
    public static void waitUntil(BooleanSupplier condition) {
        try {
            WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS,
                    () -> WaitForAsyncUtils.asyncFx(condition::getAsBoolean).get());
        } catch (TimeoutException e) {
            throw new AssertionError("condition not met within 30 s", e);
        }
        WaitForAsyncUtils.waitForFxEvents();
    }
}
