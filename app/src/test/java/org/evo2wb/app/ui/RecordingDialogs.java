package org.evo2wb.app.ui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link DialogService} for tests: answers file choosers from a queue and records every error shown. */
public final class RecordingDialogs implements DialogService {

    /** An error dialog as it would have been shown. */
    public record Shown(String title, String message) {}

    private final List<List<Path>> answers = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();
    private final List<Path> saves = new ArrayList<>();
    private final List<Path> folders = new ArrayList<>();
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final List<Shown> errors = new CopyOnWriteArrayList<>();

    /** The next file chooser returns these files. */
    public synchronized void willChoose(Path... files) {
        answers.add(List.of(files));
    }

    @Override
    public synchronized List<Path> chooseSequenceFiles() {
        return answers.isEmpty() ? List.of() : answers.remove(0);
    }

    /** The next single-file chooser returns this file. */
    public synchronized void willChooseFile(Path file) {
        files.add(file);
    }

    /** The next save dialog returns this file. */
    public synchronized void willSaveTo(Path file) {
        saves.add(file);
    }

    @Override
    public synchronized Optional<Path> chooseFile(String title, FileFilter filter) {
        asked.add(title);
        return files.isEmpty() ? Optional.empty() : Optional.of(files.remove(0));
    }

    @Override
    public synchronized Optional<Path> chooseSaveFile(String title, String suggestedName, FileFilter filter) {
        asked.add(title + " [" + suggestedName + "]");
        return saves.isEmpty() ? Optional.empty() : Optional.of(saves.remove(0));
    }

    /** The next folder chooser returns this folder. */
    public synchronized void willChooseFolder(Path folder) {
        folders.add(folder);
    }

    @Override
    public synchronized Optional<Path> chooseFolder(String title, Path initial) {
        asked.add(title);
        return folders.isEmpty() ? Optional.empty() : Optional.of(folders.remove(0));
    }

    /** Titles of the file and save choosers shown so far (save dialogs with their suggested name). */
    public List<String> asked() {
        return List.copyOf(asked);
    }

    @Override
    public void showError(String title, String message) {
        errors.add(new Shown(title, message));
    }

    public List<Shown> errors() {
        return List.copyOf(errors);
    }
}
