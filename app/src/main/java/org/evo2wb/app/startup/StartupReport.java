package org.evo2wb.app.startup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import javafx.beans.value.ObservableValue;
import org.evo2wb.engine.io.AtomicFiles;

/**
 * When the workbench is started with {@code -Devo2wb.startupReport=FILE} (by {@code evo2wb bench cold-start}), it
 * records when each step of its start happened: the JVM started, {@code main} ran, JavaFX called the application,
 * the window was shown, first drawn, first answered an event (interactive), the PyTorch library was loaded and the
 * bundled default model began loading and became the current model. It writes those times (milliseconds since the
 * epoch) to FILE and quits. Without the property every call here does nothing.
 */
public final class StartupReport {

    /** The system property naming the report file. */
    public static final String PROPERTY = "evo2wb.startupReport";

    /** Keys of the report, in the order a start passes them. */
    public static final String JVM_STARTED = "jvmStarted";
    public static final String MAIN = "main";
    public static final String FX_STARTED = "fxStarted";
    public static final String WINDOW_SHOWN = "windowShown";
    public static final String FIRST_FRAME = "firstFrame";
    public static final String INTERACTIVE = "interactive";
    public static final String PYTORCH_LOADED = "pytorchLoaded";
    public static final String MODEL_LOAD_STARTED = "modelLoadStarted";
    public static final String MODEL_LOADED = "modelLoaded";

    /** Longest wait for the default model before the report is written without it. */
    private static final long MODEL_WAIT_MS = 120_000;

    private static final StartupReport ACTIVE = active();

    private final Path file;
    private final Properties times = new Properties();
    private boolean written;

    private StartupReport(Path file) {
        this.file = file;
    }

    private static StartupReport active() {
        String p = System.getProperty(PROPERTY);
        if (p == null || p.isBlank()) {
            return null;
        }
        StartupReport r = new StartupReport(Path.of(p));
        ProcessHandle.current().info().startInstant()
                .ifPresent(t -> r.times.setProperty(JVM_STARTED, Long.toString(t.toEpochMilli())));
        return r;
    }

    /** Records that the step {@code key} happened now (the first time only); does nothing without the property. */
    public static void mark(String key) {
        if (ACTIVE != null) {
            synchronized (ACTIVE) {
                if (!ACTIVE.times.containsKey(key)) {
                    ACTIVE.times.setProperty(key, Long.toString(System.currentTimeMillis()));
                }
            }
        }
    }

    /**
     * Call on the FX thread right after the window is shown; {@code currentModel} is the workspace's current model.
     * Does nothing unless the property is set.
     */
    public static void watch(ObservableValue<?> currentModel) {
        if (ACTIVE == null) {
            return;
        }
        mark(WINDOW_SHOWN);
        ACTIVE.start(currentModel);
    }

    private void start(ObservableValue<?> currentModel) {
        new AnimationTimer() {
            @Override
            public void handle(long now) {
                stop();
                mark(FIRST_FRAME);
                Platform.runLater(() -> {
                    mark(INTERACTIVE);
                    awaitModel(currentModel);
                });
            }
        }.start();
    }

    private void awaitModel(ObservableValue<?> currentModel) {
        if (currentModel.getValue() != null) {
            mark(MODEL_LOADED);
            finish();
            return;
        }
        long deadline = System.currentTimeMillis() + MODEL_WAIT_MS;
        currentModel.addListener((obs, old, m) -> {
            if (m != null) {
                mark(MODEL_LOADED);
                finish();
            }
        });
        Thread guard = new Thread(() -> {
            try {
                Thread.sleep(Math.max(0, deadline - System.currentTimeMillis()));
            } catch (InterruptedException e) {
                return;
            }
            Platform.runLater(this::finish);
        }, "startup-report");
        guard.setDaemon(true);
        guard.start();
    }

    private void finish() {
        StringBuilder b = new StringBuilder();
        synchronized (this) {
            if (written) {
                return;
            }
            written = true;
            times.stringPropertyNames().stream().sorted().forEach(k -> b.append(k).append('=')
                    .append(times.getProperty(k)).append('\n'));
        }
        try {
            AtomicFiles.writeString(file, b.toString());
        } catch (IOException e) {
            System.err.printf(Locale.ROOT, "could not write the start-up report %s: %s%n", file, e.getMessage());
        }
        Platform.exit();
    }
}
