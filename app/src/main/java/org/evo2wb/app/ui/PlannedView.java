package org.evo2wb.app.ui;

import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;

/** A view that is not built yet: its title and what it will let the user do. No controls. */
public final class PlannedView {

    private PlannedView() {}

    public static Node of(String title, String... paragraphs) {
        Label heading = new Label(title);
        heading.getStyleClass().add("view-title");
        VBox box = new VBox(12, heading);
        for (String p : paragraphs) {
            Label text = new Label(p);
            text.setWrapText(true);
            text.setMaxWidth(680);
            box.getChildren().add(text);
        }
        Label note = new Label("Not available in this version yet.");
        note.getStyleClass().add("planned-note");
        box.getChildren().add(note);
        box.setPadding(new Insets(24));
        box.setId("planned-" + title.toLowerCase(java.util.Locale.ROOT).replace(' ', '-'));
        return box;
    }
}
