package org.evo2wb.app.ui;

import java.nio.file.Path;
import java.util.List;

/**
 * Every dialog the workbench shows goes through this one service, so that tests can answer and capture them. The
 * window uses {@link FxDialogService}; tests pass their own implementation to {@link Workbench}.
 */
public interface DialogService {

    /** Asks for sequence files to open; an empty list when the user cancels. */
    List<Path> chooseSequenceFiles();

    /**
     * Tells the user that something failed. Does not block: it may be called from a polling timer.
     *
     * @param title what was being done ("Could not read a file")
     * @param message what went wrong, naming the file, record and line where known
     */
    void showError(String title, String message);
}
