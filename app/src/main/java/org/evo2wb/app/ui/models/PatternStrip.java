package org.evo2wb.app.ui.models;

import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import org.evo2wb.engine.model.BlockKind;

/** Draws a block pattern ({@code SDH*SDH…}) as one coloured tile per block, numbered in its tooltip. */
final class PatternStrip {

    private PatternStrip() {}

    static void fill(FlowPane pane, String pattern) {
        pane.getChildren().clear();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            Label tile = new Label(String.valueOf(c));
            BlockKind kind = BlockKind.ofLetter(c);
            tile.getStyleClass().addAll("pattern-tile", "pattern-" + kind.specName());
            tile.setTooltip(new Tooltip("block " + i + ": " + kind.describe()));
            pane.getChildren().add(tile);
        }
    }
}
