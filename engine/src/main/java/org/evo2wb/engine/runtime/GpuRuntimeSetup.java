package org.evo2wb.engine.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.evo2wb.engine.hub.HubClient;
import org.evo2wb.engine.hub.HubEndpoint;
import org.evo2wb.engine.hub.HubException;
import org.evo2wb.engine.hub.ResumableDownload;
import org.evo2wb.engine.hub.RetryPolicy;
import org.evo2wb.engine.hub.WorkbenchFolders;
import org.evo2wb.engine.io.AtomicFiles;
import org.evo2wb.engine.task.EngineTask;
import org.evo2wb.engine.train.parallel.TrainingMemoryEstimate;

/**
 * Sets up the GPU runtime: downloads the published libtorch archive ({@link LibtorchArchive}) into
 * {@code runtime/downloads/} of the data folder (resumable, checked against its SHA-256 before it gets its name),
 * unpacks it into a hidden folder that is renamed to {@code runtime/libtorch-2.7.1-cu128} once complete, deletes the
 * archive, and records the {@code lib} folder in {@link GpuRuntimeSettings}, used from the next start. The driver
 * check ({@link NvidiaDriver}) is the caller's: this task does what it is asked.
 *
 * <p>Progress: bytes while downloading, then entries while unpacking; {@link #message()} says which.
 */
public final class GpuRuntimeSetup extends EngineTask<GpuRuntimeSetup.Result> {

    /** Free space needed beyond the archive: its unpacked libraries take about twice its size. */
    static final double UNPACK_FACTOR = 2.5;

    /**
     * The runtime in place.
     *
     * @param libDir the {@code lib} folder DJL loads from
     * @param settings the settings file written
     * @param sha256 the archive's SHA-256
     * @param archiveBytes the archive's size
     */
    public record Result(Path libDir, Path settings, String sha256, long archiveBytes) {}

    private final HubClient client;
    private final LibtorchArchive archive;
    private final Path runtime;
    private final RetryPolicy policy;

    /** The published archive, into the data folder's {@code runtime/}, through this environment's proxy. */
    public static GpuRuntimeSetup standard() {
        return new GpuRuntimeSetup(new HubClient(HubEndpoint.fromEnvironment()), LibtorchArchive.published(),
                WorkbenchFolders.runtime(), RetryPolicy.STANDARD);
    }

    public GpuRuntimeSetup(HubClient client, LibtorchArchive archive, Path runtime, RetryPolicy policy) {
        super("GPU runtime set-up");
        this.client = client;
        this.archive = archive;
        this.runtime = runtime;
        this.policy = policy;
    }

    public LibtorchArchive archive() {
        return archive;
    }

    @Override
    protected Result call() throws IOException {
        Files.createDirectories(runtime);
        message("Asking " + archive.url().getHost() + " for " + archive.fileName());
        long size = client.contentLength(archive.url(), archive.fileName());
        if (archive.size() >= 0 && size >= 0 && size != archive.size()) {
            throw new HubException(0, archive.url() + " announces " + size + " bytes, not the " + archive.size()
                    + " recorded for " + archive.fileName() + "; the published archive changed.");
        }
        if (size < 0) {
            size = archive.size();
        }
        if (size < 0) {
            throw new HubException(0, archive.url().getHost() + " did not say how large " + archive.fileName()
                    + " is; download it by hand and see the README's GPU section.");
        }
        Path target = runtime.resolve(archive.folderName());
        Path downloads = runtime.resolve("downloads");
        Path zip = downloads.resolve(archive.fileName());
        Files.createDirectories(downloads);
        long have = Files.exists(zip) ? size : Files.exists(ResumableDownload.incomplete(zip))
                ? Files.size(ResumableDownload.incomplete(zip)) : 0;
        long needed = (long) (size - have + UNPACK_FACTOR * size);
        long free = Files.getFileStore(runtime).getUsableSpace();
        if (needed > free) {
            throw new IOException(String.format(Locale.ROOT, "Not enough disk space in %s: the GPU runtime needs "
                    + "%s (archive and unpacked libraries), but only %s are free.", runtime,
                    TrainingMemoryEstimate.bytes(needed), TrainingMemoryEstimate.bytes(free)));
        }
        long total = size;
        String sha;
        if (Files.exists(zip)) {
            message("Checking " + archive.fileName());
            sha = org.evo2wb.engine.io.Sha256.of(zip);
            if (!sha.equalsIgnoreCase(archive.sha256())) {
                Files.delete(zip);
                throw new org.evo2wb.engine.hub.ChecksumMismatchException(zip + " was damaged (SHA-256 " + sha
                        + ", not " + archive.sha256() + ") and was deleted; run the set-up again.");
            }
        } else {
            message("Downloading " + archive.fileName());
            long[] done = {0};
            sha = ResumableDownload.fetch(offset -> client.get(archive.url(), offset, archive.fileName()), zip,
                    size, archive.sha256(), org.evo2wb.engine.hub.Digests.SHA256, policy,
                    new ResumableDownload.Listener() {
                        @Override
                        public void resumed(long bytes) {
                            done[0] += bytes;
                            progress(done[0], total);
                        }

                        @Override
                        public void transferred(long delta) {
                            done[0] += delta;
                            progress(done[0], total);
                        }
                    }, this::isCancelRequested);
        }
        checkCancelled();
        Path lib = unpack(zip, target);
        Files.delete(zip);
        GpuRuntimeSettings.write(lib, archive, sha, size);
        message("GPU runtime ready: " + lib);
        return new Result(lib, GpuRuntimeSettings.file(), sha, size);
    }

    /** Unpacks into a hidden sibling of {@code target}, then puts it in place; returns its {@code lib} folder. */
    private Path unpack(Path zip, Path target) throws IOException {
        Path tmp = AtomicFiles.temporarySibling(target);
        try (ZipFile z = new ZipFile(zip.toFile())) {
            int n = z.size();
            int i = 0;
            message("Unpacking " + archive.fileName());
            Path root = tmp.toAbsolutePath().normalize();
            Files.createDirectories(root);
            for (Enumeration<? extends ZipEntry> en = z.entries(); en.hasMoreElements(); ) {
                checkCancelled();
                ZipEntry e = en.nextElement();
                Path out = root.resolve(e.getName()).normalize();
                if (!out.startsWith(root)) {
                    throw new IOException(archive.fileName() + " holds an entry outside its folder: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    try (InputStream in = z.getInputStream(e); OutputStream os = Files.newOutputStream(out)) {
                        in.transferTo(os);
                    }
                }
                progress(++i, n);
            }
            Path lib = libFolder(root).orElseThrow(() -> new IOException(archive.fileName()
                    + " has no libtorch/lib/libtorch.so: it is not a libtorch archive"));
            Path relative = root.relativize(lib);
            AtomicFiles.replaceDirectory(root, target);
            return target.resolve(relative);
        } finally {
            AtomicFiles.deleteTree(tmp);
        }
    }

    /** {@code libtorch/lib} under {@code root} when it holds {@code libtorch.so}. */
    static Optional<Path> libFolder(Path root) {
        Path lib = root.resolve("libtorch").resolve("lib");
        return Files.isRegularFile(lib.resolve("libtorch.so")) ? Optional.of(lib) : Optional.empty();
    }
}
