package org.evo2wb.app.ui.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javafx.stage.Stage;
import org.evo2wb.app.TestData;
import org.evo2wb.app.TestModels;
import org.evo2wb.app.models.LoadedModel;
import org.evo2wb.app.ui.WorkbenchFixture;
import org.evo2wb.bio.GeneticCode;
import org.evo2wb.bio.Iupac;
import org.evo2wb.engine.score.CodonEffects;
import org.evo2wb.engine.score.Mutagenesis;
import org.evo2wb.engine.score.Scorer;
import org.evo2wb.engine.score.SequenceScore;
import org.evo2wb.engine.task.TaskStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The Score view with the tiny golden model on real GenBank records, checked against the engine. */
@ExtendWith(ApplicationExtension.class)
class ScoreViewTest {

    private final WorkbenchFixture fx = new WorkbenchFixture();

    @Start
    void start(Stage stage) {
        fx.start(stage);
    }

    @AfterEach
    void stop() {
        fx.stop();
    }

    private ScoreController score() {
        return fx.workbench.score();
    }

    private ScoreModel model() {
        return score().model();
    }

    static SequenceScore direct(LoadedModel m, org.evo2wb.engine.score.ScoringOptions o, String id, String seq) {
        try (LoadedModel.Lease l = m.lease()) {
            return new Scorer(l.network(), o).score(List.of(new Scorer.Input(id, seq))).get(0);
        }
    }

    @Test
    void aScoredGenBankRecordEqualsTheEnginesScoresAndCanBeBrowsed(FxRobot robot) {
        fx.openData(robot, TestData.pBAD30());
        fx.loadModel(robot, TestData.tinyCheckpoint());
        robot.interact(() -> fx.workbench.show("Score"));
        assertEquals("pBAD30", model().recordProperty().get().id());
        robot.clickOn("#score-run");
        fx.awaitIdle();
        assertTrue(fx.dialogs.errors().isEmpty(), () -> "unexpected dialogs: " + fx.dialogs.errors());

        ScoreResult r = model().resultProperty().get();
        assertEquals("pBAD30", r.id());
        assertEquals(0, r.offset());
        assertEquals(4923, r.length());
        String bases = model().recordProperty().get().record().sequence().toUpperCase(Locale.ROOT);
        SequenceScore expected = direct(fx.workspace.currentModel(), score().options(), "pBAD30", bases);
        assertArrayEquals(expected.logProbs(), r.track("logprob").data().values());
        assertArrayEquals(expected.entropies(), r.track("entropy").data().values());
        assertTrue(Float.isNaN(r.track("logprob").data().value(0)), "no BOS: the first base has no score");
        assertEquals(List.of("logprob", "entropy"), r.tracks().stream().map(Track::key).toList());
        assertEquals(13, r.features().size());
        assertTrue(model().statusProperty().get().startsWith("pBAD30:1-4,923 scored in "),
                model().statusProperty().get());

        // The whole record is in view; feature lanes hold araC and the bla CDS "AP(R)".
        assertEquals(new ScoreModel.ViewRange(0, 4923), model().viewProperty().get());
        TrackRenderer.Layout layout = score().browser().trackLayout();
        assertTrue(layout.features().stream().anyMatch(p -> p.label().equals("araC")));
        assertTrue(layout.bands().stream().anyMatch(b -> b.kind() == TrackRenderer.Band.Kind.FEATURES));

        // Jump to a feature by name, then to a range, as typed in the locus field.
        robot.interact(() -> model().locusProperty().set("araC"));
        robot.clickOn("#score-go");
        ScoreModel.ViewRange v = model().viewProperty().get();
        assertEquals(1081 - 87.9, v.start(), 1e-9);
        assertEquals(1960 + 87.9, v.end(), 1e-9);
        robot.interact(() -> score().goTo("pBAD30:1,201-1,260"));
        assertEquals(new ScoreModel.ViewRange(1200, 1260), model().viewProperty().get());

        // The read-out under the pointer names the base and its scores.
        TrackRenderer.Layout l = score().browser().trackLayout();
        TrackRenderer.Band track = l.bands().stream().filter(b -> b.kind() == TrackRenderer.Band.Kind.TRACK)
                .findFirst().orElseThrow();
        String described = TrackRenderer.describe(score().browser().state(), l, l.frame().x(1229.5),
                track.y() + 10);
        assertTrue(described.startsWith(String.format(Locale.ROOT, "pBAD30:1,230 %c · logprob %.3f · entropy %.3f",
                bases.charAt(1229), expected.logProbs()[1229], expected.entropies()[1229])), described);
        assertTrue(described.contains("CDS araC complement(1082..1960)"), described);
        assertTrue(fx.dialogs.errors().isEmpty(), () -> "unexpected dialogs: " + fx.dialogs.errors());
    }

    @Test
    void mutagenesisHeatmapCellsEqualDirectlyScoredMutations(FxRobot robot) {
        fx.openData(robot, TestData.pBAD30());
        fx.loadModel(robot, TestData.tinyCheckpoint());
        robot.interact(() -> {
            fx.workbench.show("Score");
            model().regionFromProperty().set("1,001");
            model().regionToProperty().set("1,400");
        });
        robot.clickOn("#score-run");
        fx.awaitIdle();
        assertEquals(1000, model().resultProperty().get().offset());
        robot.interact(() -> {
            model().selectionProperty().set(new ScoreModel.Selection(1100, 1112));
            model().contextProperty().set(30);
        });
        robot.clickOn("#score-mutagenesis");
        fx.awaitIdle();
        assertTrue(fx.dialogs.errors().isEmpty(), () -> "unexpected dialogs: " + fx.dialogs.errors());

        MutagenesisData m = model().mutagenesisProperty().get();
        Mutagenesis.Result r = m.result();
        assertEquals(12, r.length());
        assertEquals(4 * 12, r.deltas().length);
        assertEquals(1070, r.windowStart());
        assertEquals(1142, r.windowEnd());
        assertTrue(score().browser().trackLayout().bands().stream()
                .anyMatch(b -> b.kind() == TrackRenderer.Band.Kind.MUTAGENESIS));

        // One cell recomputed by scoring the reference and the mutated window directly.
        String seq = model().resultProperty().get().sequence();
        int i = 5;
        int b = (Mutagenesis.baseIndex(seq.charAt(1105)) + 2) % 4;
        String window = seq.substring(1070, 1142);
        char[] mutated = window.toCharArray();
        mutated[1105 - 1070] = Mutagenesis.BASES.charAt(b);
        LoadedModel a = fx.workspace.currentModel();
        double ref = direct(a, score().options(), "w", window).forwardSum();
        double alt = direct(a, score().options(), "w", new String(mutated)).forwardSum();
        assertEquals(alt - ref, r.delta(b, i), 1e-4);
        assertEquals(0.0, r.delta(r.referenceIndex(i), i));

        // Codons: base 1106 (1-based) is the third base of araC's codon 285 (complement(1082..1960)).
        assertNotNull(m.calls(), "araC covers the region");
        char[] codon = new char[3];
        for (int j = 0; j < 3; j++) {
            int pos = 1960 - 852 - j - 1;                       // coding index 852 + j, 0-based record position
            char c = pos == 1105 ? Mutagenesis.BASES.charAt(b) : seq.charAt(pos);
            codon[j] = (char) Iupac.complement((byte) c);
        }
        char refAa = GeneticCode.STANDARD.translate(
                (char) Iupac.complement((byte) seq.charAt(1107)), (char) Iupac.complement((byte) seq.charAt(1106)),
                (char) Iupac.complement((byte) seq.charAt(1105)));
        char altAa = GeneticCode.STANDARD.translate(codon[0], codon[1], codon[2]);
        CodonEffects.Call call = m.calls()[b * 12 + i];
        assertEquals(285, call.codon());
        assertEquals("" + refAa + 285 + altAa, call.change());
        assertEquals("araC", call.cds());

        // The substitution list holds every substitution, most damaging first, and sorts by any column.
        @SuppressWarnings("unchecked")
        List<ScoreTables.Substitution> subs = (List<ScoreTables.Substitution>) robot.lookup("#score-substitutions")
                .queryAs(javafx.scene.control.TableView.class).getItems();
        assertEquals(3 * 12, subs.size());
        double lowest = java.util.Arrays.stream(r.deltas()).filter(d -> d != 0).min().orElseThrow();
        assertEquals(lowest, subs.get(0).delta());
        for (int k = 1; k < subs.size(); k++) {
            assertTrue(subs.get(k - 1).delta() <= subs.get(k).delta());
        }
        ScoreTables.Substitution cell = subs.stream().filter(x -> x.position() == 1106
                && x.alternative() == Mutagenesis.BASES.charAt(b)).findFirst().orElseThrow();
        assertEquals(r.delta(b, i), cell.delta());
        assertEquals(call.change(), cell.change());

        // Rescoring the same record keeps the zoom, the selection and the heatmap (still inside, same model A).
        robot.interact(() -> score().goTo("pBAD30:1,090-1,130"));
        ScoreModel.ViewRange zoom = model().viewProperty().get();
        ScoreModel.Selection sel = model().selectionProperty().get();
        robot.clickOn("#score-run");
        fx.awaitIdle();
        assertEquals(zoom, model().viewProperty().get());
        assertEquals(sel, model().selectionProperty().get());
        assertSame(m, model().mutagenesisProperty().get());
        // A region that no longer holds them shows the whole result and drops them.
        robot.interact(() -> {
            model().regionFromProperty().set("2,001");
            model().regionToProperty().set("2,200");
        });
        robot.clickOn("#score-run");
        fx.awaitIdle();
        assertEquals(new ScoreModel.ViewRange(2000, 2200), model().viewProperty().get());
        assertNull(model().selectionProperty().get());
        assertNull(model().mutagenesisProperty().get());
        robot.interact(() -> {
            model().regionFromProperty().set("1,001");
            model().regionToProperty().set("1,400");
        });
        robot.clickOn("#score-run");
        fx.awaitIdle();
        robot.interact(() -> model().mutagenesisProperty().set(m));

                // A larger mutagenesis cancelled at once leaves the shown heatmap as it was.
        robot.interact(() -> {
            model().selectionProperty().set(new ScoreModel.Selection(1000, 1300));
            score().mutagenesis();
            score().cancelMutagenesis();
        });
        fx.awaitIdle();
        assertEquals("Mutagenesis cancelled.", model().mutagenesisStatusProperty().get());
        assertSame(m, model().mutagenesisProperty().get());
        assertTrue(fx.dialogs.errors().isEmpty(), () -> "unexpected dialogs: " + fx.dialogs.errors());
    }

    @Test
    void aSecondModelGivesTheDeltaTrackAndTheLatestRequestWins(FxRobot robot, @TempDir Path dir) throws Exception {
        fx.openData(robot, TestData.cor66());
        Path scaled = TestModels.scaledTiny(dir, 1.5f);
        fx.loadModel(robot, scaled);
        LoadedModel b = fx.workspace.currentModel();
        fx.loadModel(robot, TestData.tinyCheckpoint());
        LoadedModel a = fx.workspace.currentModel();
        robot.interact(() -> {
            fx.workbench.show("Score");
            model().compareProperty().set(b);
        });
        ScoreRecordTask[] tasks = new ScoreRecordTask[2];
        robot.interact(() -> {
            tasks[0] = score().score();
            tasks[1] = score().score();
        });
        fx.awaitIdle();
        assertTrue(tasks[0].status().isFinal());
        assertEquals(TaskStatus.FINISHED, tasks[1].status());
        ScoreResult r = model().resultProperty().get();
        assertSame(tasks[1].result().join(), r, "the result shown is the latest request's");
        assertEquals("X55053.1", r.id());
        String bases = model().recordProperty().get().record().sequence().toUpperCase(Locale.ROOT);
        SequenceScore sa = direct(a, score().options(), r.id(), bases);
        SequenceScore sb = direct(b, score().options(), r.id(), bases);
        assertArrayEquals(sb.logProbs(), r.track("logprob_b").data().values());
        float[] delta = r.track("delta").data().values();
        for (int i = 1; i < delta.length; i++) {
            assertEquals(sb.logProbs()[i] - sa.logProbs()[i], delta[i], 0f);
        }
        assertTrue(java.util.stream.IntStream.range(1, delta.length).anyMatch(i -> Math.abs(delta[i]) > 0.01),
                "the scaled model scores differently");
        assertEquals(List.of("logprob", "logprob_b", "entropy", "delta"),
                r.tracks().stream().map(Track::key).toList());

        // Short distinct names label A, B and the Δ track; the per-feature table holds A, B and Δ means.
        assertEquals("tiny", r.modelA());
        assertEquals("tiny-scaled", r.modelB());
        assertEquals("Δ log P  B (tiny-scaled) − A (tiny)", r.track("delta").title());
        assertTrue(model().statusProperty().get().contains("(A: tiny), "), model().statusProperty().get());
        assertTrue(r.featureRows().size() > 0, "cor6_6 has a CDS");
        org.evo2wb.engine.score.FeatureScores.Row row = r.featureRows().get(0);
        double sum = 0;
        int n = 0;
        for (long p = row.start(); p <= row.end(); p++) {
            float v = sa.logProbs()[(int) p - 1];
            if (!Float.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        if (r.features().stream().filter(org.evo2wb.engine.score.FeatureScores::summarised).findFirst()
                .orElseThrow().location().localSpans().size() == 1) {
            assertEquals(sum / n, row.meanA(), 1e-9);
        }
        javafx.scene.control.TableView<?> table = robot.lookup("#score-features")
                .queryAs(javafx.scene.control.TableView.class);
        assertEquals(r.featureRows().size(), table.getItems().size());
        assertEquals("Δ  tiny-scaled − tiny", table.getColumns().get(7).getText());
        robot.interact(() -> table.getSelectionModel().select(0));
        assertEquals(new ScoreModel.Selection((int) row.start() - 1, (int) row.end()),
                model().selectionProperty().get(), "a clicked feature row is selected in the browser");

        // Swapping makes B model A; the labels follow.
        robot.interact(() -> score().swap());
        assertSame(b, fx.workspace.currentModel());
        assertSame(a, model().compareProperty().get());
        robot.clickOn("#score-run");
        fx.awaitIdle();
        assertEquals("Δ log P  B (tiny) − A (tiny-scaled)", model().resultProperty().get().track("delta").title());
        assertEquals(-row.delta(), model().resultProperty().get().featureRows().get(0).delta(), 1e-6);
    }

    @Test
    void pastedSequencesAreCheckedAndScoredAndAMissingModelIsExplained(FxRobot robot) {
        robot.interact(() -> fx.workbench.show("Score"));
        robot.clickOn("#score-run");
        assertEquals(1, fx.dialogs.errors().size());
        assertEquals("No model loaded", fx.dialogs.errors().get(0).title());

        fx.loadModel(robot, TestData.tinyCheckpoint());
        robot.interact(() -> {
            fx.workbench.show("Score");
            model().pasteModeProperty().set(true);
            model().pastedTextProperty().set(">bad\nACGTXACG\n");
        });
        robot.clickOn("#score-run");
        assertEquals(2, fx.dialogs.errors().size());
        assertEquals("Pasted text, line 2, column 5: 'X' is not a nucleotide code (A, C, G, T, U, N or an IUPAC "
                + "ambiguity code).", fx.dialogs.errors().get(1).message());
        assertNull(model().resultProperty().get());

        robot.interact(() -> model().pastedTextProperty().set(">my_seq some description\nacgtacgtac 11 gtnn\n"));
        robot.clickOn("#score-run");
        fx.awaitIdle();
        ScoreResult r = model().resultProperty().get();
        assertEquals("my_seq", r.id());
        assertEquals("ACGTACGTACGTNN", r.scoredBases());
        assertArrayEquals(direct(fx.workspace.currentModel(), score().options(), "x", "ACGTACGTACGTNN").logProbs(),
                r.track("logprob").data().values());
        assertEquals(2, fx.dialogs.errors().size());
    }

    @Test
    void aModelIsScoredWithinItsContextUnlessAskedAndThenWarned(FxRobot robot, @TempDir Path dir) throws Exception {
        fx.openData(robot, TestData.pBAD30());
        fx.loadModel(robot, org.evo2wb.app.TestModels.shortContextTiny(dir, 512));
        LoadedModel a = fx.workspace.currentModel();
        assertEquals(512, a.context());
        robot.interact(() -> fx.workbench.show("Score"));
        assertEquals(512, score().options().chunkLength());
        assertEquals(128, score().options().chunkOverlap());
        robot.clickOn("#score-run");
        fx.awaitIdle();
        ScoreResult r = model().resultProperty().get();
        String bases = model().recordProperty().get().record().sequence().toUpperCase(Locale.ROOT);
        SequenceScore expected = direct(a, org.evo2wb.engine.score.ScoringOptions.defaults().withBatchSize(8)
                .withChunks(512, 128), "pBAD30", bases);
        assertArrayEquals(expected.logProbs(), r.track("logprob").data().values());
        assertTrue(model().statusProperty().get().contains("windows of 512 bases, each base predicted with at "
                + "least 128 bases of context"), model().statusProperty().get());
        assertTrue(!model().statusProperty().get().contains("⚠"));

        // Asking for more is allowed, with a warning.
        robot.interact(() -> model().windowProperty().set("1,024"));
        robot.clickOn("#score-run");
        fx.awaitIdle();
        assertEquals(1024, model().resultProperty().get().options().chunkLength());
        assertTrue(model().statusProperty().get().contains("⚠ tiny-short was built or trained for 512 bases of "
                + "context; scoring with windows of 1,024 bases goes beyond it"), model().statusProperty().get());
        robot.interact(() -> model().windowProperty().set("x"));
        robot.clickOn("#score-run");
        assertEquals("window: 'x' is not a number of bases", fx.dialogs.errors().get(0).message());
    }
}
