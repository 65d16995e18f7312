package org.evo2wb.app.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.util.Duration;
import org.evo2wb.engine.task.EngineTask;
import org.evo2wb.engine.task.TaskRunner;

/**
 * Runs engine tasks in the background and follows them from one JavaFX {@link Timeline} that fires every
 * {@value #PERIOD_MS} ms: each tick copies the tasks' counters into properties, calls the per-task tick callbacks,
 * and calls a task's completion callback once it has reached a final state. Progress is pulled at a fixed rate, so a
 * task that reports a million items costs the UI no more than one that reports ten. Use it on the FX thread only.
 *
 * <p>The same tick also samples heap use for the status bar.
 */
public final class TaskMonitor implements AutoCloseable {

    public static final long PERIOD_MS = 250;

    private final TaskRunner runner;
    private final Timeline timeline;
    private final List<Watch<?>> watches = new ArrayList<>();
    private final ReadOnlyStringWrapper text = new ReadOnlyStringWrapper("Ready");
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(0);
    private final ReadOnlyStringWrapper memory = new ReadOnlyStringWrapper("");
    /** Tasks submitted while held ({@link #hold()}), in order; null when not held. */
    private List<Runnable> held;

    public TaskMonitor(TaskRunner runner) {
        this.runner = runner;
        this.timeline = new Timeline(new KeyFrame(Duration.millis(PERIOD_MS), e -> poll()));
        timeline.setCycleCount(Timeline.INDEFINITE);
        timeline.play();
        poll();
    }

    /**
     * Starts a task in the background.
     *
     * @param onTick called on every tick while it runs (copy its counters into a view-model here)
     * @param onDone called once, on the FX thread, after it finished, failed or was cancelled
     */
    public <T, K extends EngineTask<T>> K submit(K task, Consumer<? super K> onTick, Consumer<? super K> onDone) {
        watches.add(new Watch<>(task, onTick, onDone));
        if (held != null) {
            held.add(() -> runner.<T, K>submit(task));
        } else {
            runner.<T, K>submit(task);
        }
        poll();
        return task;
    }

    /**
     * Holds the tasks submitted from now on (they are listed and followed, but not started) until {@link #release()}:
     * the workbench holds them while it builds and first draws its window, so that loading the PyTorch library and
     * the default model does not take the processor from the window's first drawing.
     */
    public void hold() {
        if (held == null) {
            held = new ArrayList<>();
        }
    }

    /** Starts the held tasks, in the order they were submitted; tasks submitted later start at once. */
    public void release() {
        List<Runnable> start = held;
        held = null;
        if (start != null) {
            start.forEach(Runnable::run);
        }
    }

    /** Whether tasks are being held ({@link #hold()}). */
    public boolean holding() {
        return held != null;
    }

    /** Number of tasks started here that have not yet been reported done. */
    public int active() {
        return watches.size();
    }

    private void poll() {
        for (Watch<?> w : List.copyOf(watches)) {
            if (w.task.status().isFinal()) {
                watches.remove(w);
                w.done();
            } else {
                w.tick();
            }
        }
        if (watches.isEmpty()) {
            text.set("Ready");
            progress.set(0);
        } else {
            EngineTask<?> t = watches.get(watches.size() - 1).task;
            String more = watches.size() > 1 ? " (+" + (watches.size() - 1) + " more)" : "";
            text.set(t.message().isBlank() ? t.title() + more : t.title() + more + ": " + t.message());
            double f = t.fraction();
            progress.set(f < 0 ? -1 : Math.max(f, 0.001));
        }
        Runtime rt = Runtime.getRuntime();
        long used = rt.totalMemory() - rt.freeMemory();
        memory.set(String.format(Locale.ROOT, "Heap %,d / %,d MB", used >> 20, rt.maxMemory() >> 20));
    }

    /** What the workbench is doing now: the latest running task and its message, or "Ready". */
    public ReadOnlyStringProperty textProperty() {
        return text.getReadOnlyProperty();
    }

    /** The latest running task's progress in (0, 1], -1 when unknown, 0 when idle. */
    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    /** Java heap in use and its maximum, e.g. "Heap 212 / 4,096 MB". */
    public ReadOnlyStringProperty memoryProperty() {
        return memory.getReadOnlyProperty();
    }

    @Override
    public void close() {
        timeline.stop();
        watches.forEach(w -> w.task.cancel());
        runner.close();
    }

    private record Watch<K extends EngineTask<?>>(K task, Consumer<? super K> onTick, Consumer<? super K> onDone) {
        void tick() {
            onTick.accept(task);
        }

        void done() {
            onDone.accept(task);
        }
    }
}
