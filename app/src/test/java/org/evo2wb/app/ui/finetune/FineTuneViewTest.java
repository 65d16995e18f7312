package org.evo2wb.app.ui.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.evo2wb.app.TestData;
import org.evo2wb.app.models.ModelSource;
import org.evo2wb.app.ui.WorkbenchFixture;
import org.evo2wb.app.ui.finetune.TrainingCharts.Metric;
import org.evo2wb.engine.train.run.RunCurves;
import org.evo2wb.engine.train.run.RunState;
import org.evo2wb.engine.train.run.RunSummary;
import org.evo2wb.engine.train.settings.Preset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Fine-tune view driven as a user drives it: the form's validation, a run started, watched, stopped and resumed
 * on the bundled default model, and the run history (comparison and "score with this model").
 */
@ExtendWith(ApplicationExtension.class)
class FineTuneViewTest {

    private final WorkbenchFixture fx = new WorkbenchFixture();

    @TempDir
    Path runs;

    @Start
    void start(Stage stage) {
        fx.start(stage);
    }

    @AfterEach
    void stop() {
        fx.stop();
    }

    private FineTuneController ft() {
        return fx.workbench.finetune();
    }

    private FineTuneViewModel model() {
        return ft().model();
    }

    private void showFineTune(FxRobot robot) {
        robot.interact(() -> {
            ft().setRunsFolder(runs);
            fx.workbench.show("Fine-tune");
        });
        fx.awaitIdle();
    }

    private boolean startDisabled(FxRobot robot) {
        return robot.lookup("#ft-start").queryAs(Button.class).isDisabled();
    }

    @Test
    void theFormShowsEveryProblemAtItsFieldAndStartWaitsForAValidForm(FxRobot robot) {
        showFineTune(robot);
        assertTrue(startDisabled(robot));
        assertTrue(model().startHintProperty().get().contains("Load a model"), model().startHintProperty().get());

        fx.loadModel(robot, TestData.tinyCheckpoint());
        fx.openData(robot, TestData.cor66());
        showFineTune(robot);
        WorkbenchFixture.waitUntil(() -> model().canStartProperty().get());
        assertFalse(startDisabled(robot));
        assertEquals(6, model().records().size());
        String summary = model().dataSummaryProperty().get();
        assertTrue(summary.contains("window"), summary);

        fx.setSetting(robot, "learning-rate", "-1");
        fx.setSetting(robot, "window-length", "abc");
        assertTrue(startDisabled(robot));
        assertEquals(2, model().problems().size(), () -> "problems: " + model().problems());
        assertTrue(model().startHintProperty().get().contains("2 problems"), model().startHintProperty().get());
        Label lrError = robot.lookup("#error-learning-rate").queryAs(Label.class);
        Label wlError = robot.lookup("#error-window-length").queryAs(Label.class);
        assertTrue(lrError.isVisible() && lrError.getText().contains("-1 is outside the allowed range"), lrError.getText());
        assertTrue(wlError.isVisible() && !wlError.getText().isBlank(), wlError.getText());
        assertTrue(model().commandPreviewProperty().get().contains("--learning-rate"));

        fx.setSetting(robot, "learning-rate", "2e-4");
        assertEquals(1, model().problems().size(), () -> "problems: " + model().problems());
        assertTrue(startDisabled(robot));
        fx.setSetting(robot, "window-length", "128");
        WorkbenchFixture.waitUntil(() -> model().canStartProperty().get());
        assertTrue(model().problems().isEmpty());
        assertFalse(lrError.isVisible());
        assertTrue(model().commandPreviewProperty().get().contains("--window-length 128"),
                model().commandPreviewProperty().get());

        // A preset changes the defaults of the fields the user has not set, and the command line follows.
        @SuppressWarnings("unchecked")
        ComboBox<Preset> preset = robot.lookup("#ft-preset").queryAs(ComboBox.class);
        robot.interact(() -> preset.setValue(Preset.THOROUGH_LORA));
        fx.awaitIdle();
        assertEquals("32", robot.lookup("#setting-lora-rank").queryAs(TextField.class).getText());
        assertTrue(model().commandPreviewProperty().get().contains("thorough-lora"),
                model().commandPreviewProperty().get());
        assertEquals("2e-4", robot.lookup("#setting-learning-rate").queryAs(TextField.class).getText(),
                "a value the user typed survives a preset");

        // No records ticked: Start waits and says why.
        robot.interact(() -> ft().chooseRecords(List.of()));
        fx.awaitIdle();
        assertTrue(startDisabled(robot));
        assertTrue(model().startHintProperty().get().contains("Tick the records"), model().startHintProperty().get());
        assertTrue(fx.dialogs.errors().isEmpty(), () -> "unexpected dialogs: " + fx.dialogs.errors());
    }

    @Test
    void aRunOnTheDefaultModelDrawsLiveChartsStopsAndResumesToTheEnd(FxRobot robot) throws IOException {
        fx.openData(robot, TestData.cor66());
        fx.loadDefaultModel(robot);
        showFineTune(robot);
        fx.setSetting(robot, "max-steps", "24");
        fx.setSetting(robot, "window-length", "128");
        fx.setSetting(robot, "batch-size", "2");
        fx.setSetting(robot, "eval-every", "4");
        fx.setSetting(robot, "checkpoint-every", "4");
        WorkbenchFixture.waitUntil(() -> model().canStartProperty().get());

        robot.clickOn("#ft-start");
        Path folder = model().currentRunProperty().get();
        assertNotNull(folder);
        assertTrue(folder.startsWith(runs), folder.toString());
        // The charts gain points while the run goes.
        WorkbenchFixture.waitUntil(() -> ft().liveCharts().points(Metric.LOSS) >= 6
                && ft().liveCharts().points(Metric.BITS) >= 1);
        assertTrue(model().runningProperty().get(), "the run should still be going");
        assertTrue(model().progressTextProperty().get().startsWith("step "), model().progressTextProperty().get());
        double progress = model().progressProperty().get();
        assertTrue(progress > 0 && progress < 1, "progress " + progress);

        robot.clickOn("#ft-stop");
        WorkbenchFixture.waitUntil(() -> !model().runningProperty().get());
        assertTrue(model().statusProperty().get().matches("Stopped at step \\d+ of 24\\. Resume continues from the "
                + "last checkpoint\\."), model().statusProperty().get());
        assertFalse(model().progressTextProperty().get().contains("left"), model().progressTextProperty().get());
        assertEquals(folder, model().resumableProperty().get());
        RunSummary stopped = RunSummary.read(folder);
        assertEquals(RunState.CANCELLED, stopped.state());
        assertTrue(stopped.resumable() && stopped.step() < 24, "stopped at step " + stopped.step());
        assertFalse(robot.lookup("#ft-resume").queryAs(Button.class).isDisabled());
        WorkbenchFixture.waitUntil(() -> model().runs().stream().anyMatch(r -> r.folder().equals(folder)
                && r.state() == RunState.CANCELLED));

        robot.clickOn("#ft-resume");
        WorkbenchFixture.waitUntil(() -> !model().runningProperty().get() && fx.tasks.active() == 0);
        assertTrue(fx.dialogs.errors().isEmpty(), () -> "unexpected dialogs: " + fx.dialogs.errors());
        RunSummary done = RunSummary.read(folder);
        assertEquals(RunState.FINISHED, done.state(), done.message());
        assertEquals(24, done.step());
        assertEquals(1.0, model().progressProperty().get());
        assertTrue(model().progressTextProperty().get().startsWith("step 24 / 24 "), model().progressTextProperty().get());

        // What the charts show is what the run recorded: every training step, every evaluation, once.
        RunCurves curves = RunCurves.read(folder);
        XYSeries train = series(Metric.LOSS, 0);
        assertEquals(curves.size(), train.getItemCount());
        assertEquals(24, train.getItemCount(), "one point per step across the stop and the resume");
        for (int i = 0; i < curves.size(); i++) {
            assertEquals(curves.step()[i], train.getX(i).longValue());
            assertEquals(curves.trainLoss()[i], train.getY(i).doubleValue(), 1e-12);
        }
        long evaluations = java.util.Arrays.stream(curves.validationLoss()).filter(v -> !Double.isNaN(v)).count();
        assertEquals(evaluations, series(Metric.LOSS, 1).getItemCount());
        assertTrue(evaluations >= 6, "evaluations: " + evaluations);
        assertFalse(model().log().isEmpty());
        WorkbenchFixture.waitUntil(() -> model().runs().stream().anyMatch(r -> r.folder().equals(folder)
                && r.state() == RunState.FINISHED));
    }

    private XYSeries series(Metric m, int i) {
        XYSeriesCollection c = (XYSeriesCollection) ft().liveCharts().chart(m).getXYPlot().getDataset();
        return c.getSeries(i);
    }

    @Test
    void historyOverlaysRunsListsTheirDifferencesAndScoresWithAFineTunedModel(FxRobot robot) throws IOException {
        fx.loadModel(robot, TestData.tinyCheckpoint());
        fx.openData(robot, TestData.cor66());
        showFineTune(robot);
        fx.setSetting(robot, "max-steps", "3");
        fx.setSetting(robot, "window-length", "64");
        fx.setSetting(robot, "eval-every", "3");
        for (String lr : List.of("1e-3", "1e-4")) {
            fx.setSetting(robot, "learning-rate", lr);
            WorkbenchFixture.waitUntil(() -> model().canStartProperty().get());
            robot.clickOn("#ft-start");
            WorkbenchFixture.waitUntil(() -> !model().runningProperty().get() && fx.tasks.active() == 0);
        }
        assertTrue(fx.dialogs.errors().isEmpty(), () -> "unexpected dialogs: " + fx.dialogs.errors());
        try (var list = Files.list(runs)) {
            assertEquals(2, list.filter(Files::isDirectory).count());
        }
        WorkbenchFixture.waitUntil(() -> model().runs().size() == 2);
        assertTrue(model().runs().stream().allMatch(r -> r.state() == RunState.FINISHED && r.step() == 3));

        @SuppressWarnings("unchecked")
        TableView<RunSummary> table = robot.lookup("#history-runs").queryAs(TableView.class);
        robot.interact(() -> {
            javafx.scene.control.TabPane tabs = robot.lookup("#finetune-tabs").queryAs(javafx.scene.control.TabPane.class);
            tabs.getSelectionModel().select(1);
            table.getSelectionModel().selectAll();
        });
        WorkbenchFixture.waitUntil(() -> ft().compareCharts().seriesNames(Metric.BITS).size() == 2);
        Map<String, List<String>> diff = model().diff().stream().collect(java.util.stream.Collectors.toMap(
                FineTuneViewModel.DiffRow::setting, FineTuneViewModel.DiffRow::values));
        assertTrue(diff.containsKey("learning-rate"), () -> "differences: " + diff);
        assertEquals(2, diff.get("learning-rate").size());
        assertEquals(2, diff.get("learning-rate").stream().distinct().count(), () -> "values " + diff);
        assertTrue(diff.get("learning-rate").stream().allMatch(v -> Double.parseDouble(v) == 1e-3
                || Double.parseDouble(v) == 1e-4), () -> "values " + diff);
        List<String> names = ft().compareCharts().seriesNames(Metric.LOSS);
        assertEquals(4, names.size(), names::toString);
        assertTrue(names.containsAll(model().runs().stream().map(r -> r.name() + " training").toList()), names::toString);

        RunSummary first = model().runs().get(0);
        robot.interact(() -> table.getSelectionModel().clearAndSelect(0));
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(robot.lookup("#history-score").queryAs(Button.class).isDisabled());
        robot.clickOn("#history-score");
        WorkbenchFixture.waitUntil(() -> fx.workspace.currentModel() != null
                && fx.workspace.currentModel().source().kind() == ModelSource.Kind.RUN);
        assertTrue(fx.workspace.currentModel().name().contains(first.name() + " (step 3"), fx.workspace.currentModel().name());
        assertTrue(robot.lookup("#score-run").tryQuery().filter(javafx.scene.Node::isVisible).isPresent(),
                "the Score view is shown");
        assertTrue(fx.dialogs.errors().isEmpty(), () -> "unexpected dialogs: " + fx.dialogs.errors());

        // The other run, opened as a model in the Models view.
        RunSummary second = model().runs().get(1);
        robot.interact(() -> fx.workbench.show("Models"));
        fx.dialogs.willChooseFolder(second.folder());
        robot.clickOn("#open-run");
        var models = fx.workbench.models().model();
        WorkbenchFixture.waitUntil(() -> models.inspectionProperty().get() != null
                && second.folder().equals(models.inspectionProperty().get().source().run()));
        var inspection = models.inspectionProperty().get();
        assertTrue(inspection.loadable(), () -> "problems: " + inspection.problems());
        assertEquals("recorded in " + second.name() + "/run.json", inspection.configOrigin());
        assertEquals(TestData.tinyCheckpoint().toAbsolutePath(), inspection.source().weights().toAbsolutePath());
        robot.clickOn("#load-model");
        WorkbenchFixture.waitUntil(() -> !models.loadingProperty().get() && fx.workspace.currentModel() != null
                && second.folder().equals(fx.workspace.currentModel().source().run()));
        assertTrue(fx.workspace.currentModel().name().contains(second.name() + " (step 3"),
                fx.workspace.currentModel().name());

        // A folder that is not a run is refused with a message naming it.
        fx.dialogs.willChooseFolder(runs);
        robot.clickOn("#open-run");
        WorkbenchFixture.waitUntil(() -> !fx.dialogs.errors().isEmpty());
        assertTrue(fx.dialogs.errors().get(0).message().contains(runs + " is not a fine-tuning run folder"),
                () -> fx.dialogs.errors().toString());
    }

    @Test
    void exportAsBioNeMoJobSitsNextToStartAndNamesWhyTheDefaultModelCannotGo(FxRobot robot) {
        fx.openData(robot, TestData.cor66());
        fx.loadDefaultModel(robot);
        showFineTune(robot);
        fx.setSetting(robot, "window-length", "128");
        WorkbenchFixture.waitUntil(() -> model().canStartProperty().get());
        Button export = robot.lookup("#ft-export-bionemo").queryAs(Button.class);
        assertFalse(export.isDisabled(), "enabled when Start is");
        robot.clickOn("#ft-export-bionemo");
        WorkbenchFixture.waitUntil(() -> !fx.dialogs.errors().isEmpty());
        // the bundled default is the small model, which the recipe does not train: no folder is asked for
        assertTrue(fx.dialogs.errors().get(0).message().contains("trains the released Evo 2 models only"),
                () -> fx.dialogs.errors().toString());
        try (var left = java.nio.file.Files.list(runs)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith("bionemo-")));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
