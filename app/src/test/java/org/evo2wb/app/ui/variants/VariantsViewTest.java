package org.evo2wb.app.ui.variants;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javafx.scene.chart.BarChart;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.evo2wb.app.TestData;
import org.evo2wb.app.ui.WorkbenchFixture;
import org.evo2wb.engine.variants.VariantRow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The Variants view scores a VCF with the current model, lists every allele, and opens one in the Score view. */
@ExtendWith(ApplicationExtension.class)
class VariantsViewTest {

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
    void scoresAVcfListsItsAllelesAndOpensOneInTheScoreView(FxRobot robot, @TempDir Path dir) throws Exception {
        Random r = new Random(8);
        StringBuilder chr = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            chr.append("ACGT".charAt(r.nextInt(4)));
        }
        Path fa = dir.resolve("genome.fa");
        Files.writeString(fa, ">chr5\n" + chr + "\n");
        StringBuilder v = new StringBuilder("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n");
        for (int pos = 40; pos <= 260; pos += 20) {
            char ref = chr.charAt(pos - 1);
            v.append("5\t").append(pos).append("\tv").append(pos).append('\t').append(ref).append('\t')
                    .append(ref == 'A' ? "C,G" : "A,T").append("\t.\t.\tLAB=").append(pos % 40 == 0 ? 1 : 0)
                    .append('\n');
        }
        v.append("5\t400\tpast\tA\tC\t.\t.\tLAB=1\n");
        Path vcf = dir.resolve("in.vcf");
        Files.writeString(vcf, v.toString());

        fx.loadModel(robot, TestData.tinyCheckpoint());
        VariantsController c = fx.workbench.variants();
        VariantsModel m = c.model();
        robot.interact(() -> {
            fx.workbench.show("Variants");
            m.vcfProperty().set(vcf.toString());
            m.referenceProperty().set(fa.toString());
            m.outProperty().set(dir.resolve("out.vcf.gz").toString());
            m.windowProperty().set("64");
            m.labelProperty().set("LAB");
        });
        robot.clickOn("#variants-run");
        fx.awaitIdle();
        assertTrue(m.statusProperty().get().startsWith("13 records, 25 ALT alleles: 24 scored, 1 outside_contig"),
                m.statusProperty().get());
        assertTrue(m.aurocProperty().get().startsWith("AUROC "), m.aurocProperty().get());
        TableView<?> table = robot.lookup("#variants-table").queryAs(TableView.class);
        assertEquals(25, table.getItems().size());
        BarChart<?, ?> chart = robot.lookup("#variants-histogram").queryAs(BarChart.class);
        assertEquals(2, chart.getData().size(), "label 1 and label 0");
        assertTrue(Files.exists(dir.resolve("out.vcf.gz")) && Files.exists(dir.resolve("out.tsv")));

        // labels from a label table chosen with Table…: the alleles at 40 have no row and are counted
        StringBuilder labels = new StringBuilder("chrom\tpos\tref\talt\tlabel\n");
        for (int pos = 60; pos <= 260; pos += 20) {
            char ref = chr.charAt(pos - 1);
            for (String alt : (ref == 'A' ? "C,G" : "A,T").split(",")) {
                labels.append("chr5\t").append(pos).append('\t').append(ref).append('\t').append(alt).append('\t')
                        .append(pos % 40 == 0 ? 1 : 0).append('\n');
            }
        }
        Path labelTable = dir.resolve("labels.tsv");
        Files.writeString(labelTable, labels.toString());
        fx.dialogs.willChooseFile(labelTable);
        robot.clickOn("#variants-choose-labels");
        assertEquals(labelTable.toString(), m.labelProperty().get());
        robot.interact(() -> m.outProperty().set(dir.resolve("by-table.vcf.gz").toString()));
        robot.clickOn("#variants-run");
        fx.awaitIdle();
        assertTrue(m.statusProperty().get().contains("2 scored alleles without a label (left out of the AUROC)"),
                m.statusProperty().get());
        assertTrue(m.aurocProperty().get().startsWith("AUROC ") && m.aurocProperty().get().endsWith("; 10 positive, "
                + "12 negative)"), m.aurocProperty().get());
        robot.interact(() -> m.outProperty().set(dir.resolve("out.vcf.gz").toString()));

        robot.interact(() -> m.filterProperty().set("v100"));
        assertEquals(2, table.getItems().size());
        robot.interact(() -> table.getSelectionModel().select(0));
        VariantRow chosen = m.selectedProperty().get();
        robot.clickOn("#variants-show");
        fx.awaitIdle();
        var rec = fx.workbench.score().model().recordProperty().get();
        assertEquals("chr5:" + (100 - 32) + "-" + (99 + 32), rec.id());
        assertEquals(chr.substring(99 - 32, 99 + 32), rec.record().sequence());
        assertTrue(fx.workspace.records().contains(rec));
        assertTrue(fx.workbench.score().model().statusProperty().get().contains("is base 33 of this window"),
                fx.workbench.score().model().statusProperty().get() + " " + chosen);
    }
}
