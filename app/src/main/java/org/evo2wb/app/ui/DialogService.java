package org.evo2wb.app.ui;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Every dialog the workbench shows goes through this one service, so that tests can answer and capture them. The
 * window uses {@link FxDialogService}; tests pass their own implementation to {@link Workbench}.
 */
public interface DialogService {

    /** Asks for sequence files to open; an empty list when the user cancels. */
    List<Path> chooseSequenceFiles();

    /**
     * Asks for one existing file to open.
     *
     * @param title the dialog's title ("Open an Evo 2 checkpoint")
     * @param filter a description of the files and their patterns ("Evo 2 weights", "*.pt", "*.safetensors")
     * @return the file, or empty when the user cancels
     */
    Optional<Path> chooseFile(String title, FileFilter filter);

    /**
     * Asks where to save a file.
     *
     * @param suggestedName the file name offered
     * @return the file, or empty when the user cancels
     */
    Optional<Path> chooseSaveFile(String title, String suggestedName, FileFilter filter);

    /**
     * Asks for a folder (the runs folder of the Fine-tune view).
     *
     * @param initial the folder shown first, or null
     * @return the folder, or empty when the user cancels
     */
    Optional<Path> chooseFolder(String title, Path initial);

    /**
     * Tells the user that something failed. Does not block: it may be called from a polling timer.
     *
     * @param title what was being done ("Could not read a file")
     * @param message what went wrong, naming the file, record and line where known
     */
    void showError(String title, String message);

    /** Files a chooser offers: a description and glob patterns ({@code *.pt}). */
    record FileFilter(String description, List<String> patterns) {

        public static FileFilter of(String description, String... patterns) {
            return new FileFilter(description, List.of(patterns));
        }
    }
}
