package org.evo2wb.engine.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.evo2wb.engine.hub.WorkbenchFolders;
import org.evo2wb.engine.io.AtomicFiles;

/**
 * The GPU runtime chosen by the set-up, kept in {@code runtime/gpu-runtime.properties} of the data folder: the
 * libtorch {@code lib} folder and its PyTorch version and build. {@link #apply} turns them into the Java system
 * properties {@code PYTORCH_LIBRARY_PATH}, {@code PYTORCH_VERSION}, {@code PYTORCH_FLAVOR} when the workbench
 * starts, before the PyTorch engine loads: DJL 0.36 reads each of these from the environment or, when the
 * environment lacks it, from the system property of the same name ({@code Utils.getEnvOrSystemProperty}). So the
 * {@code ./evo2wb} launcher, the installed application and {@code mvn javafx:run} all use the runtime, and an
 * environment variable set by the user still wins. {@code jna.library.path} gets the {@code lib} folder too, so
 * DJL finds the CUDA runtime library there when it counts GPUs.
 */
public final class GpuRuntimeSettings {

    /** The keys DJL reads, in the order written. */
    public static final List<String> KEYS = List.of("PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION", "PYTORCH_FLAVOR");

    private GpuRuntimeSettings() {}

    /** {@code runtime/gpu-runtime.properties} of the data folder. */
    public static Path file() {
        return WorkbenchFolders.runtime().resolve("gpu-runtime.properties");
    }

    /** The settings, if the set-up wrote them. */
    public static Optional<Properties> read() throws IOException {
        Path f = file();
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(f)) {
            p.load(in);
        }
        return Optional.of(p);
    }

    /** Records the runtime (atomically): its lib folder, version, build, and the archive's SHA-256 and size. */
    public static void write(Path libDir, LibtorchArchive archive, String sha256, long size) throws IOException {
        Properties p = new Properties();
        p.setProperty("PYTORCH_LIBRARY_PATH", libDir.toAbsolutePath().toString());
        p.setProperty("PYTORCH_VERSION", archive.version());
        p.setProperty("PYTORCH_FLAVOR", archive.flavor());
        p.setProperty("archive", archive.url().toString());
        p.setProperty("archive.sha256", sha256);
        p.setProperty("archive.size", String.valueOf(size));
        StringWriter w = new StringWriter();
        p.store(w, "GPU runtime of Evo2 Workbench, written by 'evo2wb gpu setup'; delete this file to run on the CPU");
        Files.createDirectories(file().getParent());
        AtomicFiles.writeString(file(), w.toString());
    }

    /**
     * Sets the recorded settings as system properties, each only when neither the environment nor a system property
     * already gives it, and only when the recorded lib folder still exists. Call before the PyTorch engine loads.
     *
     * @return the lines of what was set ({@code PYTORCH_FLAVOR=cu128}), empty when nothing was
     */
    public static List<String> apply(Map<String, String> env) {
        List<String> set = new ArrayList<>();
        Optional<Properties> p;
        try {
            p = read();
        } catch (IOException e) {
            return set;
        }
        if (p.isEmpty() || !Files.isDirectory(Path.of(p.get().getProperty("PYTORCH_LIBRARY_PATH", "")))) {
            return set;
        }
        if (env.containsKey("PYTORCH_LIBRARY_PATH") || System.getProperty("PYTORCH_LIBRARY_PATH") != null) {
            return set;   // the user chose a library: keep all three of theirs together
        }
        for (String k : KEYS) {
            String v = p.get().getProperty(k);
            if (v != null && !env.containsKey(k) && System.getProperty(k) == null) {
                System.setProperty(k, v);
                set.add(k + "=" + v);
            }
        }
        String lib = p.get().getProperty("PYTORCH_LIBRARY_PATH");
        String jna = System.getProperty("jna.library.path");
        System.setProperty("jna.library.path", jna == null || jna.isBlank() ? lib : jna + java.io.File.pathSeparator
                + lib);
        return set;
    }
}
