package org.evo2wb.app.ui;

import java.util.function.Supplier;
import javafx.scene.Node;

/**
 * One entry of the workbench's navigation: a title and the view it shows, built when it is first shown (or first
 * asked for).
 */
public final class ViewEntry {

    private final String title;
    private final Supplier<Node> build;
    private Node view;

    public ViewEntry(String title, Supplier<Node> build) {
        this.title = title;
        this.build = build;
    }

    public String title() {
        return title;
    }

    /** The view, built on the first call. */
    public Node view() {
        if (view == null) {
            view = build.get();
        }
        return view;
    }

    @Override
    public String toString() {
        return title;
    }
}
