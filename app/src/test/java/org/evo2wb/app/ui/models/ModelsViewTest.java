package org.evo2wb.app.ui.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.layout.FlowPane;
import javafx.stage.Stage;
import org.evo2wb.app.TestData;
import org.evo2wb.app.models.AvailableDevices;
import org.evo2wb.app.models.LoadedModel;
import org.evo2wb.app.models.ModelInspection;
import org.evo2wb.app.ui.WorkbenchFixture;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.model.WeightPrecision;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.score.SelfTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The Models view with the tiny golden checkpoint: figures, loading, self-test, config choice, bad files. */
@ExtendWith(ApplicationExtension.class)
class ModelsViewTest {

    private final WorkbenchFixture fx = new WorkbenchFixture();

    @Start
    void start(Stage stage) {
        fx.start(stage);
    }

    @AfterEach
    void stop() {
        fx.stop();
    }

    private static String text(FxRobot robot, String id) {
        return robot.lookup(id).queryAs(Label.class).getText();
    }

    private ModelsModel model() {
        return fx.workbench.models().model();
    }

    @Test
    void showsTheTinyModelsFiguresAndLoadsItAsTheCurrentModel(FxRobot robot) throws Exception {
        Evo2Config config = Evo2Config.load(TestData.tinyCheckpoint().resolveSibling("tiny.yml"));
        fx.openCheckpoint(robot, TestData.tinyCheckpoint());
        assertTrue(fx.dialogs.errors().isEmpty(), () -> "unexpected dialogs: " + fx.dialogs.errors());

        assertEquals(String.format(Locale.ROOT, "%,d (245.3 k)", config.parameterCount()),
                text(robot, "#fact-parameters"));
        assertEquals(245_344, config.parameterCount());
        FlowPane pattern = robot.lookup("#fact-pattern").queryAs(FlowPane.class);
        assertEquals(config.pattern(), pattern.getChildren().stream().map(n -> ((Label) n).getText())
                .collect(Collectors.joining()));
        assertEquals("SDH*S", config.pattern());
        assertEquals("tiny.yml next to the weights", text(robot, "#fact-config"));
        assertEquals("TORCH_ZIP, 55 tensors (53 BF16, 2 F32)", text(robot, "#fact-format"));
        assertEquals(ModelsViewBuilder.bytes(Files.size(TestData.tinyCheckpoint())), text(robot, "#fact-size"));
        assertEquals("5 blocks, hidden size 64, 2 attention heads, MLP width 128", text(robot, "#fact-shape"));
        assertEquals(ModelsViewBuilder.bytes(config.weightBytes(WeightPrecision.FP32)),
                text(robot, "#memory-fp32-weights"));
        assertEquals(ModelsViewBuilder.bytes(config.loadPeakBytes(WeightPrecision.FP16)),
                text(robot, "#memory-fp16-peak"));
        assertFalse(robot.lookup("#fp8-warning").query().isVisible(), "no FP8 warning for the tiny model");
        assertFalse(text(robot, "#default-model-note").contains("not installed"), "the default model is bundled");

        // The CPU is always offered; GPUs only where the engine has CUDA (this build's tests run CPU-only natives).
        fx.awaitIdle();
        @SuppressWarnings("unchecked")
        ComboBox<AvailableDevices.Option> device = robot.lookup("#device-choice").queryAs(ComboBox.class);
        assertEquals(ai.djl.Device.cpu(), device.getItems().get(0).device());
        assertTrue(device.getValue().label().startsWith("CPU (" + Runtime.getRuntime().availableProcessors()
                + " cores"), device.getValue().label());
        if (device.getItems().size() == 1) {
            assertTrue(text(robot, "#precision-note").startsWith("This build's PyTorch engine runs on the CPU only"),
                    text(robot, "#precision-note"));
        }

        // On the CPU only fp32 can be chosen; the others say why.
        @SuppressWarnings("unchecked")
        ComboBox<AvailableDevices.PrecisionChoice> precision = robot.lookup("#precision-choice").queryAs(ComboBox.class);
        assertEquals(List.of("fp32", "TF32 (not available)", "fp16 (not available)"),
                precision.getItems().stream().map(Object::toString).toList());
        assertEquals(Precision.FP32, precision.getValue().precision());
        assertTrue(text(robot, "#precision-note").contains("fp16: fp16 runs on a GPU only"));

        robot.clickOn("#load-model");
        fx.awaitIdle();
        LoadedModel m = fx.workspace.currentModel();
        assertNotNull(m);
        assertEquals(List.of(m), fx.workspace.models());
        assertEquals(config.parameterCount(), m.lease().network().parameterCount());
        assertEquals("tiny-evo2 (tiny.pt) · CPU · fp32", m.name());
        assertTrue(text(robot, "#models-status").startsWith("Loaded tiny-evo2 (tiny.pt) · CPU · fp32 in "),
                text(robot, "#models-status"));
        assertTrue(fx.dialogs.errors().isEmpty(), () -> "unexpected dialogs: " + fx.dialogs.errors());
    }

    @Test
    void aGpuThatFailsTheStartUpCheckIsShownAsNotUsableAndTheCpuIsUsed(FxRobot robot) throws Exception {
        robot.interact(() -> fx.workbench.show("Models"));
        fx.awaitIdle();                                         // the real detection has run
        String problem = org.evo2wb.engine.device.GpuCheck.explain("GPU 0", "Cannot access data pointer of Tensor "
                + "that doesn't have storage", false);
        AvailableDevices.Detection found = AvailableDevices.detection(AvailableDevices.cpu(),
                List.of(AvailableDevices.gpu(0, 79_600_000_000L, "90", problem, "")), true);
        robot.interact(() -> fx.workbench.models().showDevices(found));
        @SuppressWarnings("unchecked")
        ComboBox<AvailableDevices.Option> device = robot.lookup("#device-choice").queryAs(ComboBox.class);
        assertEquals(List.of(AvailableDevices.cpu().label(), "GPU 0: compute 9.0, 79.6 GB (not usable)"),
                device.getItems().stream().map(Object::toString).toList());
        assertEquals(ai.djl.Device.cpu(), device.getValue().device(), "the workbench falls back to the CPU");
        String note = text(robot, "#precision-note");
        assertTrue(note.startsWith("GPU 0 cannot be used: tensors made on it cannot be read back"), note);
        assertTrue(note.contains("PYTORCH_LIBRARY_PATH=<that lib folder> PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cu128"),
                note);
        assertTrue(note.contains("\nModels run on the CPU."), note);

        // chosen anyway (by keyboard, say), nothing can be loaded on it
        robot.interact(() -> device.setValue(device.getItems().get(1)));
        @SuppressWarnings("unchecked")
        ComboBox<AvailableDevices.PrecisionChoice> precision = robot.lookup("#precision-choice").queryAs(ComboBox.class);
        assertEquals(List.of("fp32 (not available)", "TF32 (not available)", "fp16 (not available)"),
                precision.getItems().stream().map(Object::toString).toList());
        assertTrue(robot.lookup("#load-model").queryAs(Button.class).isDisabled());
        assertNull(fx.workbench.models().load());
    }

    @Test
    void selfTestPassesOnTheTinyModelAndFailsOnAMovedExpectation(FxRobot robot, @TempDir Path dir)
            throws Exception {
        fx.loadModel(robot, TestData.tinyCheckpoint());
        robot.clickOn("#self-test");
        fx.awaitIdle();
        SelfTest.Report passed = model().selfTestReportProperty().get();
        assertTrue(passed.passed(), passed.summary());
        assertEquals(6, passed.outcomes().size());
        assertTrue(passed.maxDeviation() < 1e-5, passed.summary());
        assertTrue(text(robot, "#self-test-result").startsWith("Self-test passed: 6 of 6 sequences"),
                text(robot, "#self-test-result"));

        // The same weights beside an expectation file with one value moved by 0.01 nats.
        Path weights = Files.copy(TestData.tinyCheckpoint(), dir.resolve("tiny.pt"));
        Files.copy(TestData.tinyCheckpoint().resolveSibling("tiny.yml"), dir.resolve("tiny.yml"));
        List<SelfTest.Case> cases = SelfTest.read(TestData.tinyCheckpoint().resolveSibling("selftest.tsv"));
        SelfTest.Case c = cases.get(4);
        List<SelfTest.Case> moved = new java.util.ArrayList<>(cases);
        moved.set(4, new SelfTest.Case(c.id(), c.sequence(), c.expectedMean() - 0.01, c.tolerance()));
        SelfTest.write(dir.resolve("selftest.tsv"), "perturbed", moved);
        fx.loadModel(robot, weights);
        assertEquals(2, fx.workspace.models().size());
        robot.clickOn("#self-test");
        fx.awaitIdle();
        SelfTest.Report failed = model().selfTestReportProperty().get();
        assertFalse(failed.passed());
        assertEquals(1, failed.failures());
        assertEquals(0.01, failed.maxDeviation(), 1e-5);
        String shown = text(robot, "#self-test-result");
        assertTrue(shown.startsWith("Self-test FAILED: 5 of 6 sequences within tolerance; max deviation 0.010"),
                shown);
        assertTrue(shown.contains("FAIL  random-400"), shown);
        assertTrue(robot.lookup("#self-test-result").query().getStyleClass().contains("failed"));
    }

    @Test
    void anOpenedRunFolderShowsItsRunAndSelfTestsAgainstItsStartingModel(FxRobot robot, @TempDir Path dir)
            throws Exception {
        Path start = Files.copy(TestData.tinyCheckpoint(), dir.resolve("tiny.pt"));
        Files.copy(TestData.tinyCheckpoint().resolveSibling("tiny.yml"), dir.resolve("tiny.yml"));
        Files.copy(TestData.tinyCheckpoint().resolveSibling("selftest.tsv"), dir.resolve("selftest.tsv"));
        Path run = dir.resolve("run");
        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine cl = org.evo2wb.app.cli.Evo2wbCli.commandLine();
        cl.setOut(new java.io.PrintWriter(out));
        cl.setErr(new java.io.PrintWriter(out));
        int exit = cl.execute("finetune", "--model", start.toString(), "--train", TestData.cor66().toString(),
                "--run-dir", run.toString(), "--window", "64", "--batch", "2", "--rank", "4", "--steps", "1",
                "--warmup-steps", "0", "--device", "cpu", "--seed", "3");
        assertEquals(0, exit, out.toString());

        robot.interact(() -> fx.workbench.show("Models"));
        fx.dialogs.willChooseFolder(run);
        robot.clickOn("#open-run");
        fx.awaitIdle();
        assertTrue(fx.dialogs.errors().isEmpty(), () -> "unexpected dialogs: " + fx.dialogs.errors());
        assertEquals(run.toAbsolutePath() + " (trained in this run, on top of tiny.pt)", text(robot, "#fact-file"));
        robot.interact(() -> fx.workbench.models().load());
        fx.awaitIdle();
        assertTrue(fx.dialogs.errors().isEmpty(), () -> "unexpected dialogs: " + fx.dialogs.errors());
        assertEquals("run", fx.workspace.currentModel().shortName());
        robot.interact(() -> model().selectedLoadedProperty().set(fx.workspace.currentModel()));
        robot.clickOn("#self-test");
        fx.awaitIdle();
        assertTrue(fx.dialogs.errors().isEmpty(), () -> "unexpected dialogs: " + fx.dialogs.errors());
        assertEquals(6, model().selfTestReportProperty().get().outcomes().size());
        assertTrue(text(robot, "#self-test-result").startsWith("Fine-tuned model against the starting model's "
                + "stored values (fine-tuning is expected to move them): Self-test "), text(robot, "#self-test-result"));
    }

    @Test
    void aBioNeMoLoraFolderAsksForItsBaseModelAndLoads(FxRobot robot, @TempDir Path dir) throws Exception {
        Path fixtures = TestData.bioNeMoFixtures();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(fixtures.resolve("MANIFEST.txt")),
                "BioNeMo fixtures not generated: run make_fixtures.py (needs PyTorch)");
        Path lora = TestData.bioNeMoLora(dir, "/cluster/results/evo2_base");

        robot.interact(() -> fx.workbench.show("Models"));
        fx.dialogs.willChooseFolder(lora);
        fx.dialogs.willChooseFolder(fixtures.resolve("mbridge"));
        robot.clickOn("#open-run");
        fx.awaitIdle();
        assertTrue(fx.dialogs.errors().isEmpty(), () -> "unexpected dialogs: " + fx.dialogs.errors());
        assertTrue(fx.dialogs.asked().stream().anyMatch(t -> t.startsWith("Choose the base model of this LoRA "
                + "checkpoint (trained on /cluster/results/evo2_base)")), fx.dialogs.asked().toString());
        ModelInspection i = model().inspectionProperty().get();
        assertEquals(lora, i.source().weights());
        assertEquals("MEGATRON_BRIDGE", i.summary().format().name());
        assertEquals("run_config.yaml of lora/iter_0000020", i.configOrigin());
        assertEquals("SDH*S", i.pattern());
        assertTrue(i.loadable(), i.problems().toString());
        robot.interact(() -> fx.workbench.models().load());
        fx.awaitIdle();
        assertTrue(fx.dialogs.errors().isEmpty(), () -> "unexpected dialogs: " + fx.dialogs.errors());
        assertEquals(lora, fx.workspace.currentModel().source().weights());
    }

    /**
     * Opening a LoRA folder returns at once: its run config is read by a background task, not on the FX thread. With
     * the tasks held, the run config changed after open() returned is the one read, and a chosen base model that is
     * no Megatron Bridge folder is refused by a background task too, in a dialog.
     */
    @Test
    void aBioNeMoLoraFoldersRunConfigIsReadInTheBackground(FxRobot robot, @TempDir Path dir) throws Exception {
        Path fixtures = TestData.bioNeMoFixtures();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(fixtures.resolve("MANIFEST.txt")),
                "BioNeMo fixtures not generated: run make_fixtures.py (needs PyTorch)");
        Path lora = TestData.bioNeMoLora(dir, "/cluster/results/evo2_base");
        robot.interact(() -> fx.workbench.show("Models"));
        fx.awaitIdle();

        robot.interact(() -> {
            fx.tasks.hold();
            fx.workbench.models().open(lora);
        });
        assertEquals(List.of(), fx.dialogs.asked(), "nothing read yet, so nothing asked");
        assertEquals(1, fx.tasks.active());
        TestData.recordBase(lora, "/cluster/results/evo2_base_v2");
        fx.dialogs.willChooseFolder(dir);                         // not a Megatron Bridge folder
        robot.interact(fx.tasks::release);
        fx.awaitIdle();
        assertEquals(List.of("Choose the base model of this LoRA checkpoint (trained on "
                + "/cluster/results/evo2_base_v2)"), fx.dialogs.asked());
        assertEquals(1, fx.dialogs.errors().size(), fx.dialogs.errors().toString());
        assertEquals("Cannot open the BioNeMo checkpoint", fx.dialogs.errors().get(0).title());
        assertTrue(fx.dialogs.errors().get(0).message().startsWith(dir + ": not a Megatron Bridge checkpoint folder"),
                fx.dialogs.errors().get(0).message());
        assertTrue(model().sources().stream().noneMatch(s -> s.weights().equals(lora)), "not listed");
    }

    @Test
    void toolbarButtonsKeepTheirWholeLabelsInANarrowWindow(FxRobot robot) {
        robot.interact(() -> {
            fx.workbench.show("Models");
            fx.stage.setWidth(760);
        });
        WaitForAsyncUtils.waitForFxEvents();
        for (String id : List.of("#open-checkpoint", "#open-run", "#choose-config")) {
            Button b = robot.lookup(id).queryAs(Button.class);
            assertTrue(b.getWidth() >= b.prefWidth(-1) - 0.5, id + ": " + b.getWidth() + " < " + b.prefWidth(-1));
        }
        robot.interact(() -> fx.stage.setWidth(1280));
    }

    @Test
    void aPresetThatDoesNotFitIsExplainedAndThe1bPresetShowsTheFp8Warning(FxRobot robot) {
        fx.openCheckpoint(robot, TestData.tinyCheckpoint());
        robot.interact(() -> model().configChoiceProperty().set(ModelInspection.ConfigChoice.preset("evo2-1b-8k")));
        fx.awaitIdle();
        ModelInspection i = model().inspectionProperty().get();
        assertEquals("preset evo2-1b-8k (chosen)", i.configOrigin());
        assertFalse(i.loadable());
        Label warning = robot.lookup("#fp8-warning").queryAs(Label.class);
        assertTrue(warning.isVisible());
        assertTrue(warning.getText().startsWith("⚠ Accuracy warning. The Evo 2 1B model is only accurate with FP8"),
                warning.getText());
        assertTrue(text(robot, "#model-problems").startsWith("The config does not fit the weights: tiny.pt"),
                text(robot, "#model-problems"));
        assertTrue(robot.lookup("#load-model").queryAs(Button.class).isDisabled());
        assertEquals(Evo2Config.preset("evo2-1b-8k").parameterCount(), i.parameterCount());

        // Back to automatic: loadable again.
        robot.interact(() -> model().configChoiceProperty().set(ModelInspection.ConfigChoice.AUTOMATIC));
        fx.awaitIdle();
        assertTrue(model().inspectionProperty().get().loadable());
        assertFalse(robot.lookup("#load-model").queryAs(Button.class).isDisabled());
        assertTrue(fx.dialogs.errors().isEmpty(), () -> "unexpected dialogs: " + fx.dialogs.errors());
    }

    @Test
    void aFileThatIsNoCheckpointIsReportedAndTheViewStaysUsable(FxRobot robot) {
        robot.interact(() -> fx.workbench.show("Models"));
        fx.dialogs.willChooseFile(TestData.pBAD30());
        robot.clickOn("#open-checkpoint");
        fx.awaitIdle();
        assertEquals(1, fx.dialogs.errors().size());
        assertEquals("Could not read the model", fx.dialogs.errors().get(0).title());
        assertTrue(fx.dialogs.errors().get(0).message().contains("biopython_pBAD30.gb.gz: neither a torch.save zip "
                + "nor a safetensors file"), fx.dialogs.errors().get(0).message());
        assertNull(model().inspectionProperty().get());

        fx.loadModel(robot, TestData.tinyCheckpoint());
        assertNotNull(fx.workspace.currentModel());
        assertEquals(1, fx.dialogs.errors().size());
    }

    @Test
    void unloadKeepsTheModelUntilItsLastTaskEnds(FxRobot robot, @TempDir Path dir) throws Exception {
        fx.loadModel(robot, TestData.tinyCheckpoint());
        LoadedModel first = fx.workspace.currentModel();
        Path second = org.evo2wb.app.TestModels.scaledTiny(dir, 1.5f);
        fx.loadModel(robot, second);
        LoadedModel other = fx.workspace.currentModel();
        assertEquals("TORCH_ZIP", first.inspection().summary().format().name());
        assertEquals("SAFETENSORS", other.inspection().summary().format().name());

        LoadedModel.Lease lease = first.lease();                // a task still using the first model
        robot.interact(() -> model().selectedLoadedProperty().set(first));
        robot.clickOn("#unload-model");
        assertEquals(List.of(other), fx.workspace.models());
        assertEquals(other, fx.workspace.currentModel());
        assertTrue(first.isRetired());
        assertFalse(first.isClosed(), "closed while a task still held it");
        lease.close();
        assertTrue(first.isClosed());
    }
}
