package org.evo2wb.app.ui;

/** Test files of {@link BadFiles} for tests in other packages. */
public final class BadFilesAccess {

    private BadFilesAccess() {}

    public static String truncatedGenBank() {
        return BadFiles.TRUNCATED_GENBANK;
    }
}
