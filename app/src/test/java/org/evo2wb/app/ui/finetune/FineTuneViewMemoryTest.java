package org.evo2wb.app.ui.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import javafx.stage.Stage;
import org.evo2wb.app.TestData;
import org.evo2wb.app.ui.WorkbenchFixture;
import org.evo2wb.app.ui.finetune.TrainingCharts.Metric;
import org.evo2wb.engine.bench.PeakMemory;
import org.evo2wb.engine.train.StepMetrics;
import org.evo2wb.engine.train.run.RunState;
import org.evo2wb.engine.train.run.RunSummary;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * What the Fine-tune view keeps while a run goes, step by step, on the bundled model: the tensors alive in the trained
 * model (weights, adapters, optimiser state — the same count at every step), the chart points (one per step and
 * quantity, no more) and log lines (bounded), and the Java heap still reachable after a full collection (no growth
 * beyond the chart points). Prints the table it sampled, resident memory included, for the record in
 * docs/benchmarks.md.
 */
@ExtendWith(ApplicationExtension.class)
class FineTuneViewMemoryTest {

    private static final int STEPS = 40;

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

    private record Sample(long step, int tensors, long resident, long heap, long drawnStep, int trainingPoints,
                          int lossPoints, int memoryPoints, int logLines) {}

    /** The newest step drawn on the loss chart and its training-loss points (FX thread). */
    private long[] drawn() {
        XYSeries train = ((XYSeriesCollection) ft().liveCharts().chart(Metric.LOSS).getXYPlot().getDataset())
                .getSeries(0);
        return new long[] {train.getItemCount() == 0 ? 0 : (long) train.getMaxX(), train.getItemCount()};
    }

    private FineTuneController ft() {
        return fx.workbench.finetune();
    }

    private static <T> T onFx(java.util.concurrent.Callable<T> c) {
        try {
            return WaitForAsyncUtils.asyncFx(c).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    private static long least(List<Sample> s) {
        return s.stream().mapToLong(Sample::heap).min().orElseThrow();
    }

    private static long heapAfterCollection() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    void aRunKeepsItsTensorsFlatAndItsChartsAndLogBoundedStepByStep(FxRobot robot) throws Exception {
        fx.openData(robot, TestData.cor66());
        fx.loadDefaultModel(robot);
        robot.interact(() -> {
            ft().setRunsFolder(runs);
            fx.workbench.show("Fine-tune");
        });
        fx.awaitIdle();
        fx.setSetting(robot, "max-steps", Integer.toString(STEPS));
        fx.setSetting(robot, "window-length", "128");
        fx.setSetting(robot, "batch-size", "2");
        fx.setSetting(robot, "eval-every", "10");
        fx.setSetting(robot, "checkpoint-every", "10");
        WorkbenchFixture.waitUntil(() -> ft().model().canStartProperty().get());
        robot.clickOn("#ft-start");
        FineTuneSessionTask task = onFx(ft()::running);
        assertNotNull(task);

        List<Sample> samples = new ArrayList<>();
        long seen = 0;
        while (!task.status().isFinal() || seen < STEPS) {
            StepMetrics m = task.lastStep();
            int tensors = task.tensorsAfterStep();
            if (m != null && m.step() > seen && tensors >= 0) {
                seen = m.step();
                long step = seen;
                // The chart and log as the view holds them once this step is drained (a 250 ms tick).
                WorkbenchFixture.waitUntil(() -> ft().liveCharts().points(Metric.LOSS) >= 1);
                Thread.sleep(300);
                long heap = heapAfterCollection();
                samples.add(onFx(() -> {
                    long[] d = drawn();
                    return new Sample(step, tensors, PeakMemory.residentBytes(), heap, d[0], (int) d[1],
                            ft().liveCharts().points(Metric.LOSS), ft().liveCharts().points(Metric.MEMORY),
                            ft().model().log().size());
                }));
            } else if (!!task.status().isFinal()) {
                break;
            }
            Thread.sleep(20);
        }
        WorkbenchFixture.waitUntil(() -> !ft().model().runningProperty().get() && fx.tasks.active() == 0);
        assertTrue(fx.dialogs.errors().isEmpty(), () -> "unexpected dialogs: " + fx.dialogs.errors());
        RunSummary done = RunSummary.read(ft().model().currentRunProperty().get());
        assertEquals(RunState.FINISHED, done.state(), done.message());

        StringBuilder table = new StringBuilder("step  tensors  resident MiB  heap MiB  drawn step  loss points"
                + "  memory points  log lines\n");
        for (Sample s : samples) {
            table.append(String.format(Locale.ROOT, "%4d  %7d  %12.1f  %8.1f  %10d  %11d  %13d  %9d%n", s.step(),
                    s.tensors(), s.resident() / 1048576.0, s.heap() / 1048576.0, s.drawnStep(), s.lossPoints(),
                    s.memoryPoints(), s.logLines()));
        }
        System.out.println("Fine-tune view, bundled model, " + STEPS + " steps:\n" + table);
        assertTrue(samples.size() >= STEPS / 4, "too few steps sampled:\n" + table);

        // Tensors: the same count after every step (a step that leaked one tensor would add STEPS of them).
        int first = samples.get(0).tensors();
        for (Sample s : samples) {
            assertEquals(first, s.tensors(), "live tensors changed at step " + s.step() + ":\n" + table);
        }
        // Charts: exactly one point per drawn step and quantity (a step is drawn once, never appended again), and
        // one validation point per evaluation (every 10 steps; the newest one may arrive a tick after its step).
        for (Sample s : samples) {
            assertEquals(s.drawnStep(), s.trainingPoints(), "training-loss points at step " + s.step() + ":\n" + table);
            assertEquals(s.drawnStep(), s.memoryPoints(), "memory points at step " + s.step() + ":\n" + table);
            long validation = s.lossPoints() - s.trainingPoints();
            assertTrue(validation == s.drawnStep() / 10 || validation == (s.drawnStep() - 1) / 10,
                    "validation points at step " + s.step() + ":\n" + table);
            assertTrue(s.logLines() <= FineTuneController.LOG_LINES, table.toString());
        }
        // Java heap still reachable after a collection: what the view keeps per step is a few chart points, so from
        // the first sample to the last it grows by far less than 4 MiB (a kept snapshot or image per step would not).
        // (the least of the first and of the last five samples: a collection that overlaps the training thread's
        // step counts that step's objects in flight now and then; what the view keeps is in every sample)
        long a = least(samples.subList(0, 5));
        long z = least(samples.subList(samples.size() - 5, samples.size()));
        assertTrue(z - a < 4L << 20, "heap after collection grew from " + a + " to " + z + ":\n" + table);
    }
}
