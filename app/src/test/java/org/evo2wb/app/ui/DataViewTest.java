package org.evo2wb.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.evo2wb.app.TestData;
import org.evo2wb.app.data.LoadedRecord;
import org.evo2wb.bio.Feature;
import org.evo2wb.bio.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The Data view driven through its Open button, headless (Monocle), against MANIFEST figures. */
@ExtendWith(ApplicationExtension.class)
class DataViewTest {

    private final WorkbenchFixture fx = new WorkbenchFixture();

    @Start
    void start(Stage stage) {
        fx.start(stage);
    }

    @AfterEach
    void stop() {
        fx.stop();
    }

    @SuppressWarnings("unchecked")
    private static TableView<LoadedRecord> records(FxRobot robot) {
        return robot.lookup("#records-table").queryAs(TableView.class);
    }

    @SuppressWarnings("unchecked")
    private static TableView<Feature> features(FxRobot robot) {
        return robot.lookup("#features-table").queryAs(TableView.class);
    }

    private static void openThroughButton(FxRobot robot, WorkbenchFixture fx, Path... files) {
        fx.dialogs.willChoose(files);
        robot.clickOn("#open-files");
        fx.awaitLoaded();
    }

    @Test
    void opensMultiRecordGenBankFileAndShowsEveryRecord(FxRobot robot) {
        openThroughButton(robot, fx, TestData.cor66());
        TableView<LoadedRecord> table = records(robot);
        assertTrue(fx.dialogs.errors().isEmpty(), () -> "unexpected dialogs: " + fx.dialogs.errors());

        List<LoadedRecord> rows = table.getItems();
        assertEquals(List.of("X55053.1", "X62281.1", "M81224.1", "AJ237582.1", "L31939.1", "AF297471.1"),
                rows.stream().map(LoadedRecord::id).toList());
        assertEquals(List.of(513, 880, 441, 206, 282, 497), rows.stream().map(r -> r.record().length()).toList());
        assertEquals(List.of(3, 15, 6, 7, 3, 4), rows.stream().map(LoadedRecord::featureCount).toList());
        assertEquals(2819, rows.stream().mapToInt(r -> r.record().length()).sum());
        assertEquals(38, rows.stream().mapToInt(LoadedRecord::featureCount).sum());
        assertEquals("1 file, 6 records, 2,819 bp", robot.lookup("#data-status").queryAs(Label.class).getText());
        assertEquals("Ready", robot.lookup("#status-bar").queryAs(org.controlsfx.control.StatusBar.class).getText());
        assertTrue(robot.lookup("#memory").queryAs(Label.class).getText().matches("Heap [0-9,]+ / [0-9,]+ MB"));

        // The first record is selected; choosing another shows its features.
        assertEquals(3, features(robot).getItems().size());
        robot.interact(() -> table.getSelectionModel().select(1));
        assertEquals(15, features(robot).getItems().size());
        assertEquals(rows.get(1).record().features(), features(robot).getItems());
    }

    @Test
    void showsFiguresOfACircularPlasmid(FxRobot robot) {
        openThroughButton(robot, fx, TestData.pPCP1());
        TableView<LoadedRecord> table = records(robot);
        assertTrue(fx.dialogs.errors().isEmpty(), () -> "unexpected dialogs: " + fx.dialogs.errors());

        LoadedRecord r = table.getItems().get(0);
        assertEquals("NC_005816.1", r.id());
        assertEquals(9609, r.record().length());
        assertEquals(Topology.CIRCULAR, r.record().topology());
        assertEquals(41, r.featureCount());
        assertEquals(41, features(robot).getItems().size());
        // What the cells show, as formatted for the user.
        assertEquals("9,609", robot.lookup(".table-row-cell .table-cell").nth(2).queryLabeled().getText());
        assertEquals(r.record().sequence().chars().filter(c -> "GCgc".indexOf(c) >= 0).count() * 100.0
                / r.record().sequence().chars().filter(c -> "ACGTacgt".indexOf(c) >= 0).count(),
                r.gcPercent(), 1e-9);
    }

    @Test
    void aBadFileIsReportedInADialogAndTheViewStaysUsable(FxRobot robot, @TempDir Path dir) throws Exception {
        Path bad = dir.resolve("truncated.gb");
        Files.writeString(bad, BadFiles.TRUNCATED_GENBANK);
        openThroughButton(robot, fx, bad);
        assertFalse(robot.lookup("#open-files").queryAs(Button.class).isDisabled());
        assertEquals(1, fx.dialogs.errors().size());
        RecordingDialogs.Shown shown = fx.dialogs.errors().get(0);
        assertEquals("Could not read a file", shown.title());
        assertTrue(shown.message().contains("truncated.gb"), shown.message());
        assertTrue(shown.message().contains(BadFiles.TRUNCATED_RECORD), shown.message());
        assertTrue(records(robot).getItems().isEmpty());

        // Still usable: the next file loads.
        openThroughButton(robot, fx, TestData.pPCP1());
        assertEquals(1, records(robot).getItems().size());
        assertEquals(1, fx.dialogs.errors().size());
    }

    @Test
    void goodFilesAreKeptWhenAnotherFails(FxRobot robot, @TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.fasta");
        openThroughButton(robot, fx, TestData.pPCP1(), missing, TestData.cor66());
        assertEquals(1, fx.dialogs.errors().size());
        assertEquals(7, records(robot).getItems().size());
        assertTrue(fx.dialogs.errors().get(0).message().contains("missing.fasta"));
        assertFalse(robot.lookup("#open-files").queryAs(Button.class).isDisabled());
    }

    @Test
    void navigationShowsEveryView(FxRobot robot) {
        robot.interact(() -> fx.workbench.show("Fine-tune"));
        assertTrue(robot.lookup("#ft-start").tryQuery().isPresent());
        robot.interact(() -> fx.workbench.show("Models"));
        assertTrue(robot.lookup("#open-checkpoint").tryQuery().isPresent());
        robot.interact(() -> fx.workbench.show("Score"));
        assertTrue(robot.lookup("#score-run").tryQuery().isPresent());
        robot.interact(() -> fx.workbench.show("Generate"));
        assertTrue(robot.lookup("#generate-run").tryQuery().isPresent());
        robot.interact(() -> fx.workbench.show("Data"));
        assertTrue(robot.lookup("#open-files").tryQuery().isPresent());
    }
}
