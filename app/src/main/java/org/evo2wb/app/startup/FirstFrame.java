package org.evo2wb.app.startup;

import javafx.animation.AnimationTimer;
import javafx.application.Platform;

/** Runs work on the FX thread once the window's first frame has been drawn. */
public final class FirstFrame {

    private FirstFrame() {
    }

    /**
     * Runs {@code work} on the FX thread right after the next frame is drawn (the first one, when called as the window
     * is shown). Call on the FX thread.
     */
    public static void then(Runnable work) {
        new AnimationTimer() {
            @Override
            public void handle(long now) {
                stop();
                Platform.runLater(work);       // after this pulse, which draws the frame
            }
        }.start();
    }
}
