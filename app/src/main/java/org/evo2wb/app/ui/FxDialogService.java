package org.evo2wb.app.ui;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javafx.scene.control.Alert;
import javafx.scene.control.Alert.AlertType;
import javafx.scene.control.Label;
import javafx.stage.FileChooser;
import javafx.stage.Window;

/** The real dialogs: a JavaFX file chooser that remembers its folder, and non-blocking alerts. */
public final class FxDialogService implements DialogService {

    private static final List<String> SEQUENCE_PATTERNS = List.of("*.fa", "*.fasta", "*.fna", "*.ffn", "*.fas",
            "*.gb", "*.gbk", "*.genbank", "*.embl", "*.dat");

    private final Window owner;
    private File lastFolder;

    public FxDialogService(Window owner) {
        this.owner = owner;
    }

    @Override
    public List<Path> chooseSequenceFiles() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Open sequence files");
        List<String> patterns = SEQUENCE_PATTERNS.stream()
                .flatMap(p -> List.of(p, p + ".gz", p + ".bz2", p + ".xz").stream())
                .toList();
        chooser.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter("Sequence files (FASTA, GenBank, EMBL)", patterns),
                new FileChooser.ExtensionFilter("All files", "*"));
        if (lastFolder != null && lastFolder.isDirectory()) {
            chooser.setInitialDirectory(lastFolder);
        }
        List<File> chosen = chooser.showOpenMultipleDialog(owner);
        if (chosen == null || chosen.isEmpty()) {
            return List.of();
        }
        lastFolder = chosen.get(0).getParentFile();
        return chosen.stream().map(File::toPath).toList();
    }

    @Override
    public Optional<Path> chooseFile(String title, FileFilter filter) {
        FileChooser chooser = chooser(title, filter);
        File chosen = chooser.showOpenDialog(owner);
        return remember(chosen);
    }

    @Override
    public Optional<Path> chooseSaveFile(String title, String suggestedName, FileFilter filter) {
        FileChooser chooser = chooser(title, filter);
        chooser.setInitialFileName(suggestedName);
        File chosen = chooser.showSaveDialog(owner);
        return remember(chosen);
    }

    private FileChooser chooser(String title, FileFilter filter) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(title);
        chooser.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter(filter.description(), filter.patterns()),
                new FileChooser.ExtensionFilter("All files", "*"));
        if (lastFolder != null && lastFolder.isDirectory()) {
            chooser.setInitialDirectory(lastFolder);
        }
        return chooser;
    }

    private Optional<Path> remember(File chosen) {
        if (chosen == null) {
            return Optional.empty();
        }
        lastFolder = chosen.getParentFile();
        return Optional.of(chosen.toPath());
    }

    @Override
    public Optional<Path> chooseFolder(String title, Path initial) {
        javafx.stage.DirectoryChooser chooser = new javafx.stage.DirectoryChooser();
        chooser.setTitle(title);
        if (initial != null && initial.toFile().isDirectory()) {
            chooser.setInitialDirectory(initial.toFile());
        }
        File chosen = chooser.showDialog(owner);
        return chosen == null ? Optional.empty() : Optional.of(chosen.toPath());
    }

    @Override
    public void showError(String title, String message) {
        Alert alert = new Alert(AlertType.ERROR);
        alert.initOwner(owner);
        alert.setTitle("Evo2 Workbench");
        alert.setHeaderText(title);
        Label text = new Label(message);
        text.setWrapText(true);
        text.setPrefWidth(560);
        text.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        alert.getDialogPane().setContent(text);
        alert.setResizable(true);
        alert.show();
    }
}
