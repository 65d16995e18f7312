package org.evo2wb.engine.hub;

import java.nio.file.Path;

/**
 * The workbench's data folder, {@code ~/.evo2wb} (the system property {@value #PROPERTY} names another), and the
 * folders in it for downloaded models ({@code models/}) and the GPU runtime ({@code runtime/}).
 */
public final class WorkbenchFolders {

    /** System property naming the data folder instead of {@code ~/.evo2wb}. */
    public static final String PROPERTY = "evo2wb.home";

    private WorkbenchFolders() {}

    public static Path data() {
        String p = System.getProperty(PROPERTY);
        return p != null && !p.isBlank() ? Path.of(p) : Path.of(System.getProperty("user.home"), ".evo2wb");
    }

    /** Where downloaded models go by default, one folder per repository ({@code models/evo2_7b}). */
    public static Path models() {
        return data().resolve("models");
    }

    /** The default folder of a repository's download: {@code models/<name>} for {@code owner/name}. */
    public static Path modelFolder(String repo) {
        return models().resolve(repo.substring(repo.indexOf('/') + 1));
    }

    /** Where the GPU runtime (libtorch) is unpacked. */
    public static Path runtime() {
        return data().resolve("runtime");
    }
}
