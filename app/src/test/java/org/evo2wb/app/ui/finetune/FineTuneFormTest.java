package org.evo2wb.app.ui.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import javafx.stage.Stage;
import org.evo2wb.app.TestData;
import org.evo2wb.app.ui.WorkbenchFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The Fine-tune view's data choices: ticks, the Train on box and validation on a single record. */
@ExtendWith(ApplicationExtension.class)
class FineTuneFormTest {

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

    @Test
    void ticksTheTrainOnBoxAndASingleRecordsValidationBlocks(FxRobot robot) {
        fx.loadModel(robot, TestData.tinyCheckpoint());
        fx.openData(robot, TestData.cor66(), TestData.pPCP1());
        robot.interact(() -> {
            ft().setRunsFolder(runs);
            fx.workbench.show("Fine-tune");
        });
        fx.awaitIdle();
        fx.setSetting(robot, "window-length", "128");
        assertEquals(7, model().records().size());

        // Unticking every record, then ticking one, leaves the Train on box with a value.
        robot.interact(() -> ft().chooseRecords(List.of()));
        fx.awaitIdle();
        assertNotNull(model().featureChoiceProperty().get(), "the Train on box went blank");
        var plasmid = fx.workspace.records().stream().filter(r -> r.id().equals("NC_005816.1")).findFirst()
                .orElseThrow();
        robot.interact(() -> ft().chooseRecords(List.of(plasmid)));
        fx.awaitIdle();
        assertNotNull(model().featureChoiceProperty().get(), "the Train on box went blank");

        // One genome: part of it is held out as blocks, and the form says so.
        WorkbenchFixture.waitUntil(() -> model().dataSummaryProperty().get().contains("Note: validation: one record"));
        String summary = model().dataSummaryProperty().get();
        assertTrue(summary.contains("Note: validation: one record, so 1 contiguous block of NC_005816.1 (961 bases, "
                + "10.0 %)"), summary);
        assertTrue(summary.contains("training windows keep a gap of at least one window (127 bases) from them"),
                summary);

        // Records ticked in the Validation column: a Validation tick alone is enough.
        robot.interact(() -> {
            model().validationModeProperty().set(FineTuneViewModel.ValidationMode.CHOSEN);
            model().records().forEach(r -> r.trainProperty().set(false));
            model().records().get(0).validationProperty().set(true);
            model().records().get(1).trainProperty().set(true);
        });
        fx.awaitIdle();
        WorkbenchFixture.waitUntil(() -> model().dataSummaryProperty().get().contains("1 record chosen for "
                + "validation"));
        assertTrue(model().dataSummaryProperty().get().contains("1 record chosen for validation"),
                model().dataSummaryProperty().get());
    }
}
