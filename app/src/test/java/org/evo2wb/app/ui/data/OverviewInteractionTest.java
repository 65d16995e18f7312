package org.evo2wb.app.ui.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import javafx.scene.SnapshotParameters;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TableView;
import javafx.scene.image.WritableImage;
import javafx.scene.paint.Color;
import javafx.stage.Stage;
import org.evo2wb.app.TestData;
import org.evo2wb.app.data.LoadedRecord;
import org.evo2wb.app.ui.WorkbenchFixture;
import org.evo2wb.bio.Feature;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The Data view's overview strip and problems list with the cor6_6 GenBank file (spliced mRNA and CDS). */
@ExtendWith(ApplicationExtension.class)
class OverviewInteractionTest {

    private final WorkbenchFixture fx = new WorkbenchFixture();

    @Start
    void start(Stage stage) {
        fx.start(stage);
    }

    @AfterEach
    void stop() {
        fx.stop();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aClickedFeatureIsMarkedHoveringNamesItAndIntronsLinkTheExons(FxRobot robot) {
        fx.openData(robot, TestData.cor66());
        // X62281.1 (record 2): mRNA join(44..160,320..390,504..>579), CDS join(104..160,320..390,504..579).
        LoadedRecord spliced = fx.workspace.records().stream().filter(r -> r.record().features().stream()
                .anyMatch(f -> f.type().equals("CDS") && f.location().text().equals("join(104..160,320..390,504..579)")))
                .findFirst().orElseThrow();
        TableView<LoadedRecord> records = robot.lookup("#records-table").queryAs(TableView.class);
        robot.interact(() -> records.getSelectionModel().select(spliced));
        TableView<Feature> features = robot.lookup("#features-table").queryAs(TableView.class);
        Feature cds = features.getItems().stream().filter(f -> f.type().equals("CDS")).findFirst().orElseThrow();
        SequenceOverview overview = robot.lookup("#sequence-overview").queryAs(SequenceOverview.class);
        robot.interact(() -> features.getSelectionModel().select(cds));
        assertSame(cds, overview.highlightedProperty().get());

        // Geometry as drawn: 44 px left margin, 12 right, the record over the rest; the coding lane 3-14 px above
        // the axis at y 50 (forward strand).
        double scale = (overview.getWidth() - 44 - 12) / spliced.record().length();
        double intronX = 44 + (240 - 1) * scale;                  // base 240: inside the CDS's first intron
        double exonX = 44 + (350 - 1) * scale;                    // base 350: its second exon
        double mid = 50 - 3 - 11 / 2.0;
        assertSame(cds, overview.featureAt(intronX, mid).orElseThrow(), "the CDS is the smallest feature there");

        // Hovering names the feature.
        robot.moveTo(overview.localToScreen(intronX, mid));
        String hover = robot.lookup("#overview-hover").queryAs(Label.class).getText();
        assertTrue(hover.startsWith("CDS ") && hover.contains("join(104..160,320..390,504..579) (+)"), hover);

        // Exons are boxes; an intron is a line at the lane's mid-height, with the lane's top row left clear there.
        robot.interact(() -> features.getSelectionModel().clearSelection());
        WritableImage[] shot = new WritableImage[1];
        robot.interact(() -> shot[0] = overview.snapshot(new SnapshotParameters(), null));
        Color top = shot[0].getPixelReader().getColor((int) intronX, (int) (50 - 3 - 11 + 1));
        Color line = shot[0].getPixelReader().getColor((int) intronX, (int) mid);
        Color exon = shot[0].getPixelReader().getColor((int) exonX, (int) (50 - 3 - 11 + 1));
        assertEquals(Color.WHITE, top, "no box over the intron");
        assertNotEquals(Color.WHITE, line, "the intron line");
        assertNotEquals(Color.WHITE, exon, "the exon box");
    }

    @Test
    void problemsOfEachFileStayListedUntilCloseAll(FxRobot robot, @TempDir Path dir) throws Exception {
        Path bad = dir.resolve("truncated.gb");
        Files.writeString(bad, org.evo2wb.app.ui.BadFilesAccess.truncatedGenBank());
        fx.openData(robot, bad, TestData.pPCP1());
        ListView<String> problems = robot.lookup("#data-problems").queryAs(ListView.class);
        assertEquals(1, problems.getItems().size(), problems.getItems().toString());
        assertTrue(problems.getItems().get(0).contains("truncated.gb"), problems.getItems().get(0));
        assertEquals(1, fx.dialogs.errors().size());
        robot.clickOn("#close-all");
        assertTrue(problems.getItems().isEmpty());
    }
}
