package org.evo2wb.app.ui;

import javafx.scene.control.Label;
import javafx.scene.layout.Region;

/** Small helpers for building toolbars that keep their labels readable when the window is narrow. */
public final class Controls {

    private Controls() {}

    /** Keeps a control at least as wide as its content, so a crowded toolbar never shortens it to "…". */
    public static <T extends Region> T unshrinkable(T control) {
        control.setMinWidth(Region.USE_PREF_SIZE);
        return control;
    }

    /** A label that keeps its full text. */
    public static Label label(String text) {
        return unshrinkable(new Label(text));
    }
}
