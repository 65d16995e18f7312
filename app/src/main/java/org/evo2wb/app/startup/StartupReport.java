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
 * records when its window was first drawn, when the FX thread first answered an event after that (the window is
 * interactive), and when the bundled default model became the current model; writes those times (milliseconds since
 * the epoch) to FILE and quits.
 */
public final class StartupReport {

    /** The system property naming the report file. */
    public static final String PROPERTY = "evo2wb.startupReport";

    /** Keys of the report. */
    public static final String FIRST_FRAME = "firstFrame";
    public static final String INTERACTIVE = "interactive";
    public static final String MODEL_LOADED = "modelLoaded";

    /** Longest wait for the default model before the report is written without it. */
    private static final long MODEL_WAIT_MS = 120_000;

    private final Path file;
    private final Properties times = new Properties();
    private boolean written;

    private StartupReport(Path file) {
        this.file = file;
    }

    /**
     * Call on the FX thread right after the window is shown; {@code currentModel} is the workspace's current model.
     * Does nothing unless the property is set.
     */
    public static void watch(ObservableValue<?> currentModel) {
        String p = System.getProperty(PROPERTY);
        if (p == null || p.isBlank()) {
            return;
        }
        new StartupReport(Path.of(p)).start(currentModel);
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
            if (m != null && !times.containsKey(MODEL_LOADED)) {
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

    private void mark(String key) {
        times.setProperty(key, Long.toString(System.currentTimeMillis()));
    }

    private void finish() {
        if (written) {
            return;
        }
        written = true;
        StringBuilder b = new StringBuilder();
        times.stringPropertyNames().stream().sorted().forEach(k -> b.append(k).append('=')
                .append(times.getProperty(k)).append('\n'));
        try {
            AtomicFiles.writeString(file, b.toString());
        } catch (IOException e) {
            System.err.printf(Locale.ROOT, "could not write the start-up report %s: %s%n", file, e.getMessage());
        }
        Platform.exit();
    }
}
