package org.evo2wb.app.ui.models;

import java.util.Locale;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;

/** Draws a block pattern ({@code SDH*SDH…}) as one coloured tile per block, numbered in its tooltip. */
final class PatternStrip {

    private PatternStrip() {}

    static void fill(FlowPane pane, String pattern) {
        pane.getChildren().clear();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            Label tile = new Label(String.valueOf(c));
            tile.getStyleClass().addAll("pattern-tile", "pattern-" + kind(c));
            tile.setTooltip(new Tooltip("block " + i + ": " + describe(c)));
            pane.getChildren().add(tile);
        }
    }

    private static String kind(char c) {
        return switch (c) {
            case 'S' -> "hcs";
            case 'D' -> "hcm";
            case 'H' -> "hcl";
            default -> "attn";
        };
    }

    private static String describe(char c) {
        return switch (c) {
            case 'S' -> "Hyena short explicit (hcs)";
            case 'D' -> "Hyena medium regularized (hcm)";
            case 'H' -> "Hyena long implicit (hcl)";
            default -> "attention".toLowerCase(Locale.ROOT);
        };
    }
}
