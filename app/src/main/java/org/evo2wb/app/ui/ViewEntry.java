package org.evo2wb.app.ui;

import javafx.scene.Node;

/** One entry of the workbench's navigation: a title and the view it shows. */
public record ViewEntry(String title, Node view) {

    @Override
    public String toString() {
        return title;
    }
}
