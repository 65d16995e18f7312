package org.evo2wb.app.ui.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javafx.stage.Stage;
import org.evo2wb.app.TestData;
import org.evo2wb.app.models.LoadedModel;
import org.evo2wb.app.ui.WorkbenchFixture;
import org.evo2wb.engine.generate.Generation;
import org.evo2wb.engine.generate.GenerationRequest;
import org.evo2wb.engine.generate.GenerationWriters;
import org.evo2wb.engine.generate.Generator;
import org.evo2wb.engine.generate.SamplingSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The Generate view with the tiny golden model on a region of a real GenBank record, checked against the engine. */
@ExtendWith(ApplicationExtension.class)
class GenerateViewTest {

    private final WorkbenchFixture fx = new WorkbenchFixture();

    @TempDir
    Path tmp;

    @Start
    void start(Stage stage) {
        fx.start(stage);
    }

    @AfterEach
    void stop() {
        fx.stop();
    }

    private GenerateModel model() {
        return fx.workbench.generate().model();
    }

    @Test
    void samplesEqualTheEnginesAndExportOpenInScore(FxRobot robot) throws Exception {
        fx.openData(robot, TestData.pBAD30());
        fx.loadModel(robot, TestData.tinyCheckpoint());
        robot.interact(() -> {
            fx.workbench.show("Generate");
            model().regionFromProperty().set("101");
            model().regionToProperty().set("400");
            model().lengthProperty().set("120");
            model().samplesProperty().set("3");
            model().temperatureProperty().set("0.9");
            model().seedProperty().set("21");
        });
        robot.clickOn("#generate-run");
        fx.awaitIdle();
        assertTrue(fx.dialogs.errors().isEmpty(), () -> "unexpected dialogs: " + fx.dialogs.errors());

        Generation g = model().resultProperty().get();
        String prompt = model().recordProperty().get().record().sequence().toUpperCase(Locale.ROOT)
                .substring(100, 400);
        Generation expected;
        try (LoadedModel.Lease l = fx.workspace.currentModel().lease()) {
            expected = Generator.run(l.network(), new GenerationRequest("pBAD30_101-400", prompt, 120, 3,
                    new SamplingSettings(0.9, 4, 1.0, 21)), (n, b) -> { }, () -> false);
        }
        assertEquals(prompt, g.request().prompt());
        assertEquals(4, model().rows().size());
        for (int i = 0; i < 3; i++) {
            SampleRow row = model().rows().get(i + 1);
            assertEquals(expected.samples().get(i).bases(), row.bases());
            assertEquals(expected.samples().get(i).qc().describe(), row.qc().describe());
            assertEquals(expected.samples().get(i).meanLogLikelihood(), row.meanLogLikelihood(), 1e-9);
        }
        assertEquals("pBAD30_101-400 (prompt)", model().rows().get(0).name());
        assertEquals(expected.promptMeanLogLikelihood(), model().rows().get(0).meanLogLikelihood(), 1e-9);

        Path out = tmp.resolve("samples.fasta");
        fx.dialogs.willSaveTo(out);
        robot.clickOn("#generate-export");
        StringWriter w = new StringWriter();
        GenerationWriters.fasta(w, expected);
        assertEquals(w.toString(), Files.readString(out));

        robot.interact(() -> model().selectedProperty().set(model().rows().get(2)));
        robot.clickOn("#generate-open-in-score");
        fx.awaitIdle();
        var score = fx.workbench.score().model();
        assertTrue(score.pasteModeProperty().get());
        assertEquals(">pBAD30_101-400_sample2\n" + prompt + expected.samples().get(1).bases() + "\n",
                score.pastedTextProperty().get());
        assertTrue(score.statusProperty().get().startsWith("pBAD30_101-400_sample2:1-420 scored in "),
                score.statusProperty().get());
    }

    @Test
    void stopKeepsTheBasesWrittenSoFar(FxRobot robot) {
        fx.loadModel(robot, TestData.tinyCheckpoint());
        robot.interact(() -> {
            fx.workbench.show("Generate");
            model().typedPromptProperty().set(true);
            model().promptTextProperty().set("atgaaacgcattagcaccaccattaccacc");
            model().lengthProperty().set("200000");
            model().samplesProperty().set("2");
        });
        robot.clickOn("#generate-run");
        WorkbenchFixture.waitUntil(() -> model().rows().size() == 3);
        robot.clickOn("#generate-stop");
        fx.awaitIdle();
        Generation g = model().resultProperty().get();
        assertTrue(g.stopped());
        assertEquals("ATGAAACGCATTAGCACCACCATTACCACC", g.request().prompt());
        int n = g.samples().get(0).bases().length();
        assertTrue(n > 0 && n < 200000, "stopped after " + n);
        assertEquals(n, model().rows().get(2).bases().length());
        assertTrue(model().statusProperty().get().startsWith("Stopped after 2 x "), model().statusProperty().get());
    }

    @Test
    void badSettingsAreReportedByName(FxRobot robot) {
        fx.loadModel(robot, TestData.tinyCheckpoint());
        robot.interact(() -> {
            fx.workbench.show("Generate");
            model().typedPromptProperty().set(true);
            model().promptTextProperty().set("ACGT");
            model().topPProperty().set("1.5");
        });
        robot.clickOn("#generate-run");
        assertEquals("top-p must be above 0 and at most 1, got 1.5", fx.dialogs.errors().get(0).message());
    }
}
