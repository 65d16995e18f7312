package org.evo2wb.app.ui.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.stage.Stage;
import org.evo2wb.app.TestData;
import org.evo2wb.app.cli.Evo2wbCli;
import org.evo2wb.app.ui.WorkbenchFixture;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.Safetensors;
import org.evo2wb.engine.embed.EmbeddingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import picocli.CommandLine;

/**
 * Export > Embeddings… of the Score view writes the same file as {@code evo2wb embed} on the scored stretch: per
 * base through the dialog, mean-pooled through the controller, both byte for byte equal to the command's output.
 */
@ExtendWith(ApplicationExtension.class)
class ScoreEmbeddingsTest {

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
    void embeddingsOfTheScoredStretchEqualTheCommandLines(FxRobot robot, @TempDir Path dir) throws Exception {
        fx.openData(robot, TestData.pBAD30());
        fx.loadModel(robot, TestData.tinyCheckpoint());
        ScoreController c = fx.workbench.score();
        ScoreModel m = fx.scoreRegion(robot, "1001", "1400");
        ScoreResult r = m.resultProperty().get();
        String stretch = r.sequence().substring(1000, 1400);

        // through the menu and the dialog: two layers, one row per base, safetensors
        Path view = dir.resolve("view.safetensors");
        fx.dialogs.willSaveTo(view);
        robot.clickOn("#score-export");
        robot.clickOn("#score-export-embeddings");
        robot.interact(() -> {
            ComboBox<?> layers = robot.lookup("#embed-layers").queryAs(ComboBox.class);
            layers.getEditor().setText("blocks.1,blocks.3.mlp.l3");
            @SuppressWarnings("unchecked")
            ChoiceBox<String> pool = robot.lookup("#embed-pool").queryAs(ChoiceBox.class);
            pool.setValue("none");
        });
        robot.clickOn("#embed-ok");
        fx.awaitIdle();
        assertTrue(fx.dialogs.asked().contains("Export embeddings [pBAD30_embeddings.safetensors]"),
                fx.dialogs.asked().toString());
        assertTrue(m.statusProperty().get().startsWith("1 records, 400 bases, 2 layer(s)"),
                m.statusProperty().get());

        Path fasta = dir.resolve("stretch.fa");
        Files.writeString(fasta, ">pBAD30:1001-1400\n" + stretch + "\n");
        Path cli = dir.resolve("cli.safetensors");
        assertEquals(0, embed(fasta, "blocks.1,blocks.3.mlp.l3", "none", cli));
        assertArrayEquals(Files.readAllBytes(cli), Files.readAllBytes(view));
        HostTensor t = Safetensors.read(view).get("blocks.3.mlp.l3/pBAD30:1001-1400");
        assertEquals(List.of(400L, 64L), List.of(t.shape()[0], t.shape()[1]));

        // through the controller: mean-pooled CSV
        Path viewCsv = dir.resolve("view.csv");
        fx.dialogs.willSaveTo(viewCsv);
        robot.interact(() -> c.exportEmbeddings(new EmbeddingExport("embedding_layer,norm", true,
                EmbeddingFile.Format.CSV)));
        fx.awaitIdle();
        Path cliCsv = dir.resolve("cli.csv");
        assertEquals(0, embed(fasta, "embedding_layer,norm", "mean", cliCsv));
        assertEquals(Files.readString(cliCsv), Files.readString(viewCsv));
        assertEquals(3, Files.readAllLines(viewCsv).size(), "a header and one row per layer");

        // a layer the model does not have is refused before anything is written
        Path bad = dir.resolve("bad.npy");
        fx.dialogs.willSaveTo(bad);
        robot.interact(() -> c.exportEmbeddings(new EmbeddingExport("blocks.9", true, EmbeddingFile.Format.NPY)));
        fx.awaitIdle();
        assertEquals(1, fx.dialogs.errors().size());
        assertTrue(fx.dialogs.errors().get(0).message().contains("the model has blocks 0 to 4"),
                fx.dialogs.errors().get(0).message());
        assertTrue(Files.notExists(bad));
    }

    private static int embed(Path input, String layers, String pool, Path out) {
        CommandLine cl = Evo2wbCli.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        int exit = cl.execute("embed", "--model", TestData.tinyCheckpoint().toString(), "--input", input.toString(),
                "--layer", layers, "--pool", pool, "--out", out.toString());
        if (exit != 0) {
            throw new AssertionError(err.toString());
        }
        return exit;
    }
}
