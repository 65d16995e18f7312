package org.evo2wb.app.ui.finetune;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.beans.value.ObservableValue;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Control;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.Duration;
import javafx.util.StringConverter;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.Hyperparameter;
import org.evo2wb.engine.train.settings.ValueType;

/**
 * The settings form, generated from the engine's declarations ({@link FineTuneParameters#ALL}): one row per
 * setting, with a control chosen by its value type (a choice box for choices, a check box for on/off, a text field
 * otherwise), its unit, a tooltip with its description, default, range and when it applies, a reset link once the
 * user changed it, and its problems in red under it. Primary settings come first; the rest sit under "Advanced",
 * by group. A setting that does not apply is greyed out. Node ids: {@code setting-<name>}, {@code error-<name>},
 * {@code reset-<name>}.
 */
final class SettingsForm {

    private final FineTuneViewModel model;
    private final Consumer<String> reset;
    private final Map<String, Control> controls = new LinkedHashMap<>();

    SettingsForm(FineTuneViewModel model, Consumer<String> reset) {
        this.model = model;
        this.reset = reset;
    }

    /** The primary settings. */
    Node primary() {
        GridPane grid = grid();
        int row = 0;
        for (Hyperparameter<?> p : FineTuneParameters.ALL) {
            if (p.level() == Hyperparameter.Level.PRIMARY) {
                row = addRow(grid, row, p);
            }
        }
        return grid;
    }

    /** The other settings by group, in a collapsed "Advanced" pane whose title counts their problems. */
    TitledPane advanced() {
        VBox box = new VBox(4);
        List<ObservableValue<?>> errors = new ArrayList<>();
        for (Hyperparameter.Group g : Hyperparameter.Group.values()) {
            GridPane grid = grid();
            int row = 0;
            for (Hyperparameter<?> p : FineTuneParameters.ALL) {
                if (p.level() == Hyperparameter.Level.ADVANCED && p.group() == g) {
                    row = addRow(grid, row, p);
                    errors.add(model.field(p.name()).errorProperty());
                }
            }
            if (row > 0) {
                Label title = new Label(g.title());
                title.getStyleClass().add("form-group");
                box.getChildren().addAll(title, grid);
            }
        }
        TitledPane pane = new TitledPane("Advanced", box);
        pane.setId("advanced-settings");
        pane.setExpanded(false);
        pane.setAnimated(false);
        pane.textProperty().bind(Bindings.createStringBinding(() -> {
            long n = errors.stream().filter(e -> !String.valueOf(e.getValue()).isEmpty()).count();
            return n == 0 ? "Advanced (" + errors.size() + " settings)"
                    : "Advanced (" + errors.size() + " settings; " + n + (n == 1 ? " needs" : " need") + " attention)";
        }, errors.toArray(new ObservableValue<?>[0])));
        return pane;
    }

    /** The control of each setting, by name (every declared setting once the form is built). */
    Map<String, Control> controls() {
        return controls;
    }

    private static GridPane grid() {
        GridPane grid = new GridPane();
        grid.setHgap(6);
        grid.setVgap(3);
        grid.setPadding(new Insets(2, 0, 4, 0));
        ColumnConstraints label = new ColumnConstraints(150, 170, 220);
        ColumnConstraints field = new ColumnConstraints(90, 150, Double.MAX_VALUE);
        field.setHgrow(Priority.ALWAYS);
        ColumnConstraints unit = new ColumnConstraints(0, 60, 90);
        ColumnConstraints link = new ColumnConstraints(0, 40, 50);
        grid.getColumnConstraints().addAll(label, field, unit, link);
        return grid;
    }

    private int addRow(GridPane grid, int row, Hyperparameter<?> p) {
        FieldState f = model.field(p.name());
        Label label = new Label(p.label());
        label.setId("label-" + p.name());
        label.getStyleClass().add("setting-label");
        f.userSetProperty().addListener((obs, o, set) -> mark(label, set));
        mark(label, f.userSetProperty().get());
        Control control = control(p, f);
        control.setId("setting-" + p.name());
        control.setMaxWidth(Double.MAX_VALUE);
        control.disableProperty().bind(f.relevantProperty().not());
        label.disableProperty().bind(f.relevantProperty().not());
        Tooltip tip = new Tooltip(tooltip(p));
        tip.setWrapText(true);
        tip.setMaxWidth(420);
        tip.setShowDelay(Duration.millis(350));
        tip.setShowDuration(Duration.seconds(30));
        control.setTooltip(tip);
        label.setTooltip(tip);
        controls.put(p.name(), control);

        Label unit = new Label(p.unit());
        unit.getStyleClass().add("setting-unit");
        Hyperlink resetLink = new Hyperlink("reset");
        resetLink.setId("reset-" + p.name());
        resetLink.getStyleClass().add("setting-reset");
        resetLink.visibleProperty().bind(f.userSetProperty());
        resetLink.setOnAction(e -> reset.accept(p.name()));
        resetLink.setFocusTraversable(false);

        Label error = new Label();
        error.setId("error-" + p.name());
        error.getStyleClass().add("setting-error");
        error.setWrapText(true);
        error.textProperty().bind(f.errorProperty());
        error.visibleProperty().bind(f.errorProperty().isNotEmpty());
        error.managedProperty().bind(error.visibleProperty());
        f.errorProperty().addListener((obs, o, e) -> {
            if (e.isEmpty()) {
                control.getStyleClass().remove("invalid");
            } else if (!control.getStyleClass().contains("invalid")) {
                control.getStyleClass().add("invalid");
            }
        });

        grid.add(label, 0, row);
        grid.add(control, 1, row);
        grid.add(unit, 2, row);
        grid.add(resetLink, 3, row);
        grid.add(error, 1, row + 1, 3, 1);
        GridPane.setHalignment(label, javafx.geometry.HPos.LEFT);
        GridPane.setValignment(label, javafx.geometry.VPos.CENTER);
        return row + 2;
    }

    private static void mark(Label label, boolean userSet) {
        if (userSet && !label.getStyleClass().contains("changed")) {
            label.getStyleClass().add("changed");
        } else if (!userSet) {
            label.getStyleClass().remove("changed");
        }
    }

    /** Description, then default, range, choices and when it applies, as the command line's help gives them. */
    static String tooltip(Hyperparameter<?> p) {
        StringBuilder b = new StringBuilder(p.description());
        b.append("\n\nDefault: ").append(p.defaultText());
        if (!p.rangeText().isEmpty()) {
            b.append("\nAllowed: ").append(p.rangeText());
        } else if (!p.unit().isEmpty()) {
            b.append("\nUnit: ").append(p.unit());
        }
        if (!p.relevanceText().isEmpty()) {
            b.append("\nApplies to: ").append(p.relevanceText());
        }
        b.append("\nCommand line: ").append(p.flag()).append(' ').append(p.valueLabel());
        if (p.type().kind() != ValueType.Kind.CHOICE && p.type().kind() != ValueType.Kind.BOOLEAN) {
            b.append("\nClear the field to go back to the default.");
        }
        return b.toString();
    }

    private Control control(Hyperparameter<?> p, FieldState f) {
        return switch (p.type().kind()) {
            case CHOICE -> choice(p, f);
            case BOOLEAN -> checkBox(f);
            default -> textField(p, f);
        };
    }

    private Control textField(Hyperparameter<?> p, FieldState f) {
        TextField t = new TextField();
        t.focusedProperty().addListener((obs, was, now) -> {
            if (!now && (t.getText() == null || t.getText().isBlank())) {
                reset.accept(p.name());        // an emptied field shows its default again when left
            }
        });
        t.textProperty().bindBidirectional(f.textProperty());
        t.setPromptText(p.allowsAuto() ? "auto" : p.defaultText());
        t.setPrefColumnCount(p.type().kind() == ValueType.Kind.TEXT_LIST ? 18 : 8);
        return t;
    }

    private static Control checkBox(FieldState f) {
        CheckBox c = new CheckBox();
        c.setSelected(Boolean.parseBoolean(f.textProperty().get()));
        f.textProperty().addListener((obs, o, t) -> c.setSelected("true".equalsIgnoreCase(t)));
        c.selectedProperty().addListener((obs, o, on) -> {
            if (!String.valueOf(on).equalsIgnoreCase(f.textProperty().get())) {
                f.textProperty().set(String.valueOf(on));
            }
        });
        return c;
    }

    private static Control choice(Hyperparameter<?> p, FieldState f) {
        ComboBox<String> box = new ComboBox<>();
        box.getItems().setAll(p.choices());
        Map<String, String> labels = new LinkedHashMap<>();
        for (String key : p.choices()) {
            Object v = p.type().parse(key);
            labels.put(key, v instanceof ValueType.Choice c ? c.label() : key.toUpperCase(Locale.ROOT));
        }
        box.setConverter(new StringConverter<>() {
            @Override
            public String toString(String key) {
                return key == null ? "" : labels.getOrDefault(key, key);
            }

            @Override
            public String fromString(String s) {
                return s;
            }
        });
        box.setValue(f.textProperty().get());
        f.textProperty().addListener((obs, o, t) -> {
            if (t != null && !t.equals(box.getValue())) {
                box.setValue(t);
            }
        });
        box.valueProperty().addListener((obs, o, v) -> {
            if (v != null && !v.equals(f.textProperty().get())) {
                f.textProperty().set(v);
            }
        });
        return box;
    }
}
