package org.evo2wb.app.ui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link DialogService} for tests: answers file choosers from a queue and records every error shown. */
public final class RecordingDialogs implements DialogService {

    /** An error dialog as it would have been shown. */
    public record Shown(String title, String message) {}

    private final List<List<Path>> answers = new ArrayList<>();
    private final List<Shown> errors = new CopyOnWriteArrayList<>();

    /** The next file chooser returns these files. */
    public synchronized void willChoose(Path... files) {
        answers.add(List.of(files));
    }

    @Override
    public synchronized List<Path> chooseSequenceFiles() {
        return answers.isEmpty() ? List.of() : answers.remove(0);
    }

    @Override
    public void showError(String title, String message) {
        errors.add(new Shown(title, message));
    }

    public List<Shown> errors() {
        return List.copyOf(errors);
    }
}
