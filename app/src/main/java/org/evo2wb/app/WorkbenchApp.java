package org.evo2wb.app;

import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;

/** The JavaFX workbench. */
public class WorkbenchApp extends Application {

    @Override
    public void start(Stage stage) {
        stage.setTitle("Evo2 Workbench");
        stage.setScene(new Scene(new Label("Evo2 Workbench"), 1200, 800));
        stage.show();
    }

    public static void main(String[] args) {
        launch(args);
    }
}
