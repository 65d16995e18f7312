package org.evo2wb.app.ui.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
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
import org.w3c.dom.Document;

/** Exports of the Score view: bedGraph values round-trip, SVG is well-formed, PNG is a picture, tables complete. */
@ExtendWith(ApplicationExtension.class)
class ScoreExportTest {

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
    void everyExportWritesWhatTheViewShows(FxRobot robot, @TempDir Path dir) throws Exception {
        fx.openData(robot, TestData.pBAD30());
        fx.loadModel(robot, TestData.tinyCheckpoint());
        ScoreController c = fx.workbench.score();
        ScoreModel m = fx.scoreRegion(robot, "1001", "1400");
        robot.interact(() -> {
            m.selectionProperty().set(new ScoreModel.Selection(1100, 1106));
            m.contextProperty().set(10);
        });
        robot.clickOn("#score-mutagenesis");
        fx.awaitIdle();
        ScoreResult r = m.resultProperty().get();
        float[] lp = r.track("logprob").data().values();

        // bedGraph through the Export menu: 0-based half-open intervals on the record, values to 6 decimals.
        Path bed = dir.resolve("lp.bedgraph");
        fx.dialogs.willSaveTo(bed);
        robot.clickOn("#score-export");
        robot.clickOn("log P track (bedGraph)…");
        fx.awaitIdle();
        List<String> lines = Files.readAllLines(bed);
        assertTrue(lines.get(0).startsWith("track type=bedGraph name=\"log P(base) (tiny)\""), lines.get(0));
        assertEquals(399, lines.size() - 1, "400 bases, the first unscored");
        for (int j = 1; j < 400; j++) {
            String[] f = lines.get(j).split("\t");
            assertEquals("pBAD30", f[0]);
            assertEquals(1000 + j, Integer.parseInt(f[1]));
            assertEquals(1001 + j, Integer.parseInt(f[2]));
            assertEquals(String.format(java.util.Locale.ROOT, "%.6f", lp[j]), f[3]);
            assertEquals(lp[j], Double.parseDouble(f[3]), 5e-7 + Math.ulp(lp[j]));
        }
        assertTrue(fx.dialogs.asked().contains("Export log P track (bedGraph) [pBAD30_logprob.bedgraph]"),
                fx.dialogs.asked().toString());

        // SVG: well-formed XML from the same renderer.
        Path svg = dir.resolve("view.svg");
        fx.dialogs.willSaveTo(svg);
        robot.interact(() -> c.export(ScoreController.Export.SVG));
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile());
        assertEquals("svg", doc.getDocumentElement().getNodeName());
        assertTrue(doc.getElementsByTagName("rect").getLength() > 100);
        Set<String> texts = new HashSet<>();
        for (int i = 0; i < doc.getElementsByTagName("text").getLength(); i++) {
            texts.add(doc.getElementsByTagName("text").item(i).getTextContent());
        }
        assertTrue(texts.containsAll(List.of("pBAD30", "log P(base) · A: tiny", "Mutagenesis", "araC")), texts.toString());

        // PNG: the full view, not blank.
        Path png = dir.resolve("view.png");
        fx.dialogs.willSaveTo(png);
        robot.interact(() -> c.export(ScoreController.Export.PNG));
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(Math.max(800, Math.round(c.browser().getWidth())), image.getWidth());
        assertEquals(Math.ceil(c.browser().trackLayout().height()), image.getHeight(), 1);
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                colours.add(image.getRGB(x, y));
            }
        }
        assertTrue(colours.size() > 50, "PNG looks blank: " + colours.size() + " colours");

        // Mutagenesis TSV: three rows per base; WIG and CSV cover every base.
        Path tsv = dir.resolve("mut.tsv");
        fx.dialogs.willSaveTo(tsv);
        robot.interact(() -> c.export(ScoreController.Export.MUTAGENESIS));
        Path wig = dir.resolve("t.wig");
        fx.dialogs.willSaveTo(wig);
        robot.interact(() -> c.export(ScoreController.Export.WIG));
        Path csv = dir.resolve("t.csv");
        fx.dialogs.willSaveTo(csv);
        robot.interact(() -> c.export(ScoreController.Export.CSV));
        fx.awaitIdle();
        List<String> rows = Files.readAllLines(tsv);
        assertEquals(3 + 6 * 3, rows.size());
        assertEquals("record\tposition\tref\talt\tdelta_loglik\teffect\tcds\tcodon\taa_change", rows.get(2));
        assertTrue(rows.get(3).startsWith("pBAD30\t1101\t"), rows.get(3));
        List<String> w = Files.readAllLines(wig);
        assertEquals("fixedStep chrom=pBAD30 start=1002 step=1 span=1", w.get(1));
        assertEquals(2 * (1 + 1 + 399), w.size(), "two tracks: log P and entropy");
        assertEquals(401, Files.readAllLines(csv).size());
        assertEquals("chrom,position,base,logprob,entropy", Files.readAllLines(csv).get(0));

        // A file that cannot be written is reported; nothing half-written is left anywhere.
        Path blocked = bed.resolve("inside-a-file.bedgraph");
        fx.dialogs.willSaveTo(blocked);
        robot.interact(() -> c.export(ScoreController.Export.BEDGRAPH_ENTROPY));
        fx.awaitIdle();
        assertEquals(1, fx.dialogs.errors().size());
        assertTrue(fx.dialogs.errors().get(0).message().startsWith(blocked.toString()),
                fx.dialogs.errors().get(0).message());
        assertFalse(Files.exists(blocked));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("lp.bedgraph", "mut.tsv", "t.csv", "t.wig", "view.png", "view.svg"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
