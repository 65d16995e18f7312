package org.evo2wb.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.evo2wb.bio.ReadProgress;
import org.evo2wb.engine.lora.TinyModel;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.task.TaskStatus;
import org.evo2wb.engine.train.data.TrainingData;
import org.evo2wb.engine.train.run.RunCurves;
import org.evo2wb.engine.train.run.RunHistory;
import org.evo2wb.engine.train.run.RunState;
import org.evo2wb.engine.train.run.RunSummary;
import org.evo2wb.engine.train.settings.FineTuneMethod;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.FineTuneSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runs folder as the history shows it: real LoRA runs of the tiny model, one finished, one cancelled. */
class RunHistoryTest {

    @TempDir
    Path runs;

    @Test
    void listsRunsNewestFirstWithStatusBestLossCurvesAndTheirDifferences() throws Exception {
        FineTuneSettings first = Evo2FineTuneTest.settings(FineTuneMethod.LORA).set(FineTuneParameters.MAX_STEPS, 4)
                .set(FineTuneParameters.EVAL_EVERY, 2).build();
        Path a = RunHistory.newRunFolder(runs, "lora", Instant.parse("2026-01-02T03:04:05Z"));
        assertEquals("lora-20260102-030405", a.getFileName().toString());
        List<StepMetrics> steps = new ArrayList<>();
        try (StripedHyena base = TinyModel.load()) {
            FineTuneTask t = Evo2FineTuneTest.run(a, first, TrainableStripedHyena.prepare(base, first), steps);
            assertEquals(TaskStatus.FINISHED, t.status(), t.message());
        }

        FineTuneSettings second = first.toBuilder().set(FineTuneParameters.LORA_RANK, 2)
                .set(FineTuneParameters.MAX_STEPS, 6).build();
        Path b = RunHistory.newRunFolder(runs, "lora", Instant.parse("2026-01-02T03:04:05Z"));
        assertEquals("lora-20260102-030405-2", b.getFileName().toString());
        try (StripedHyena base = TinyModel.load()) {
            TrainingData data = TrainingData.build(List.of(Evo2FineTuneTest.FASTA), second, ReadProgress.NONE);
            FineTuneTask[] task = new FineTuneTask[1];
            task[0] = FineTuneRun.newRun(b, second).model(TrainableStripedHyena.prepare(base, second),
                            Evo2FineTuneTest.tinyDescription())
                    .data(data.train(), data.validation(), data.manifest()).listener(new TrainingListener() {
                        @Override
                        public void onStep(StepMetrics m) {
                            if (m.step() == 3) {
                                task[0].cancel();
                            }
                        }
                    }).build().task();
            task[0].run();
            assertEquals(TaskStatus.CANCELLED, task[0].status());
        }
        Files.createDirectories(runs.resolve("not-a-run"));

        List<RunSummary> list = RunHistory.list(runs);
        assertEquals(2, list.size());
        RunSummary cancelled = list.get(0);
        RunSummary finished = list.get(1);
        assertEquals(b, cancelled.folder(), "newest first");
        assertEquals(RunState.CANCELLED, cancelled.state());
        assertEquals(3, cancelled.step());
        assertEquals(6, cancelled.plannedSteps());
        assertTrue(cancelled.resumable());
        assertFalse(cancelled.hasAdapter());
        assertEquals(RunState.FINISHED, finished.state());
        assertEquals("4 / 4", finished.progressText());
        assertTrue(finished.hasAdapter() && finished.hasCheckpoint() && !finished.resumable());
        assertEquals("", finished.problem());
        assertEquals("lora", finished.method());
        assertEquals("evo2-tiny-golden", finished.modelName());
        assertEquals("10 sequences, 5,814 bp", finished.data());
        assertTrue(finished.trainingTime().toMillis() > 0);
        assertEquals(steps.get(3).trainLoss(), finished.lastTrainLoss(), 1e-5);

        RunCurves curves = RunCurves.read(a);
        assertEquals(4, curves.size());
        assertEquals(List.of(1L, 2L, 3L, 4L), java.util.Arrays.stream(curves.step()).boxed().toList());
        assertTrue(Double.isNaN(curves.validationLoss()[0]) && !Double.isNaN(curves.validationLoss()[1]));
        assertEquals(curves.bestValidationLoss(), finished.bestValidationLoss());
        assertEquals(curves.validationLoss()[1] / Math.log(2), curves.bitsPerBase()[1], 1e-4);
        for (int i = 0; i < 4; i++) {
            assertEquals(steps.get(i).learningRate(), curves.learningRate()[i], 1e-9);
        }

        Map<String, List<String>> diff = RunHistory.differences(list);
        assertEquals(List.of("lora-rank", "lora-alpha", "max-steps"), List.copyOf(diff.keySet()));
        assertEquals(List.of("2", "4"), diff.get("lora-rank"));
        assertEquals(List.of("4", "8"), diff.get("lora-alpha"));
        assertEquals(List.of("6", "4"), diff.get("max-steps"));
        assertTrue(RunHistory.differences(List.of(finished, finished)).isEmpty());
    }

    @Test
    void aBrokenFolderIsListedWithItsProblem() throws Exception {
        Path broken = runs.resolve("broken");
        Files.createDirectories(broken);
        Files.writeString(broken.resolve("run.json"), "{ not json");
        RunSummary s = RunHistory.list(runs).get(0);
        assertNull(s.state());
        assertNull(s.settings());
        assertFalse(s.resumable());
        assertTrue(s.problem().contains(broken.resolve("run.json") + ": not valid JSON"), s.problem());
        assertTrue(RunHistory.list(runs.resolve("absent")).isEmpty());
    }
}
