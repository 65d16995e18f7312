package org.evo2wb.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.control.TableView;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.evo2wb.app.TestData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Renders every view with real data to {@code app/target/screenshots/<view>.png} (the pictures for the user guide)
 * and checks that each one is a real picture, not a blank window.
 */
@ExtendWith(ApplicationExtension.class)
class ScreenshotsTest {

    static final Path OUT = Path.of("target", "screenshots");

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
    void everyViewRendersWithData(FxRobot robot, @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        fx.dialogs.willChoose(TestData.pPCP1(), TestData.cor66());
        robot.clickOn("#open-files");
        fx.awaitLoaded();
        assertEquals(7, robot.lookup("#records-table").queryAs(TableView.class).getItems().size());
        assertTrue(fx.dialogs.errors().isEmpty(), () -> "unexpected dialogs: " + fx.dialogs.errors());

        // Real model data: the tiny golden checkpoint loaded and self-tested (with a second model, its final norm
        // scaled, to compare with), a plasmid stretch scored by both, a codon region mutated.
        fx.loadModel(robot, org.evo2wb.app.TestModels.scaledTiny(dir, 1.5f));
        var modelB = fx.workspace.currentModel();
        fx.loadModel(robot, TestData.tinyCheckpoint());
        robot.clickOn("#self-test");
        fx.awaitIdle();
        robot.interact(() -> fx.workbench.show("Score"));
        var score = fx.workbench.score().model();
        robot.interact(() -> {
            score.recordProperty().set(fx.workspace.records().get(0));
            score.regionFromProperty().set("2,801");
            score.regionToProperty().set("6,000");
            score.compareProperty().set(modelB);
        });
        robot.clickOn("#score-run");
        fx.awaitIdle();
        assertTrue(fx.dialogs.errors().isEmpty(), () -> "unexpected dialogs: " + fx.dialogs.errors());
        robot.interact(() -> score.selectionProperty().set(new org.evo2wb.app.ui.score.ScoreModel.Selection(
                4339, 4363)));
        robot.interact(() -> score.contextProperty().set(60));
        robot.clickOn("#score-mutagenesis");
        fx.awaitIdle();
        assertTrue(fx.dialogs.errors().isEmpty(), () -> "unexpected dialogs: " + fx.dialogs.errors());

        // Three samples continuing a stretch of the plasmid, for the Generate view.
        var gen = fx.workbench.generate().model();
        robot.interact(() -> {
            fx.workbench.show("Generate");
            gen.recordProperty().set(fx.workspace.records().get(0));
            gen.regionFromProperty().set("3,001");
            gen.regionToProperty().set("3,600");
            gen.lengthProperty().set("300");
            gen.samplesProperty().set("3");
        });
        robot.clickOn("#generate-run");
        fx.awaitIdle();
        robot.interact(() -> gen.selectedProperty().set(gen.rows().get(1)));
        assertTrue(fx.dialogs.errors().isEmpty(), () -> "unexpected dialogs: " + fx.dialogs.errors());

        // Two short fine-tuning runs of the tiny model with different learning rates, for the live charts and the
        // comparison in the history.
        var ft = fx.workbench.finetune();
        robot.interact(() -> {
            ft.setRunsFolder(dir.resolve("runs"));
            fx.workbench.show("Fine-tune");
        });
        for (String lr : List.of("1e-3", "3e-4")) {
            for (String[] kv : new String[][] {{"max-steps", "30"}, {"window-length", "128"}, {"eval-every", "3"},
                {"learning-rate", lr}}) {
                fx.setSetting(robot, kv[0], kv[1]);
            }
            WorkbenchFixture.waitUntil(() -> ft.model().canStartProperty().get());
            robot.clickOn("#ft-start");
            WorkbenchFixture.waitUntil(() -> !ft.model().runningProperty().get() && fx.tasks.active() == 0);
        }
        assertTrue(fx.dialogs.errors().isEmpty(), () -> "unexpected dialogs: " + fx.dialogs.errors());

        Files.createDirectories(OUT);
        robot.interact(() -> fx.workbench.show("Fine-tune"));
        robot.interact(() -> {
            robot.lookup("#finetune-tabs").queryAs(javafx.scene.control.TabPane.class).getSelectionModel().select(1);
            robot.lookup("#history-runs").queryAs(TableView.class).getSelectionModel().selectAll();
        });
        WorkbenchFixture.waitUntil(() -> ft.model().diff().size() > 0);
        fx.awaitIdle();
        save("fine-tune-history", 8);
        robot.interact(() -> robot.lookup("#finetune-tabs").queryAs(javafx.scene.control.TabPane.class)
                .getSelectionModel().select(0));
        // with activation checkpointing on, the memory line says how many blocks keep their graphs
        robot.interact(() -> robot.lookup("#setting-activation-checkpointing")
                .queryAs(javafx.scene.control.CheckBox.class).setSelected(true));
        fx.awaitIdle();
        String memory = robot.lookup("#ft-memory").queryAs(javafx.scene.control.Labeled.class).getText();
        assertTrue(memory.contains("all 5 blocks keep their graphs"), memory);
        for (String view : List.of("Data", "Models", "Fine-tune", "Generate", "Score")) {
            robot.interact(() -> fx.workbench.show(view));
            save(view.toLowerCase(Locale.ROOT), view.equals("Data") || view.equals("Score") ? 40 : 8);
        }
        robot.interact(() -> score.locusProperty().set("NC_005816.1:4,321-4,395"));
        robot.clickOn("#score-go");
        save("score-bases", 40);
    }

    private void save(String name, int minColours) throws Exception {
        WritableImage image = snapshot();
        BufferedImage png = SwingFXUtils.fromFXImage(image, null);
        Path file = OUT.resolve(name + ".png");
        ImageIO.write(png, "png", file.toFile());
        assertEquals(1280, png.getWidth());
        assertTrue(colours(png) > minColours, name + " looks blank: " + file);
    }

    private WritableImage snapshot() throws Exception {
        return WaitForAsyncUtils.asyncFx(() -> fx.stage.getScene().snapshot(null)).get();
    }

    private static int colours(BufferedImage image) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                seen.add(image.getRGB(x, y));
            }
        }
        return seen.size();
    }
}
