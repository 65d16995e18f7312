package org.evo2wb.engine.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.evo2wb.engine.task.EngineTask;
import org.evo2wb.engine.train.parallel.TrainingMemoryEstimate;

/**
 * Downloads every file of a Hub model repository into a folder, verified: the file list from the Hub, a check that
 * the folder's disk has room for what is still missing, then each file through {@link ResumableDownload} (resumed
 * where an earlier try stopped, checked against its SHA-256 or git blob id before it gets its name). The revision is
 * pinned to the commit the first file's HEAD reports, so all files come from one commit. Files already in the
 * folder under their final name are hashed and kept when they match. Multi-part checkpoints
 * ({@code evo2_40b.pt.part0}, {@code .part1}) stay parts: the workbench reads them in place.
 *
 * <p>Progress: {@link #done()} and {@link #total()} in bytes, {@link #bytesPerSecond()}, {@link #secondsLeft()},
 * and the file being fetched in {@link #message()}. Cancelling keeps the verified files and the partial one.
 */
public final class HubDownload extends EngineTask<HubDownload.Result> {

    /**
     * A finished download.
     *
     * @param repo the repository
     * @param commit the commit the files came from (empty when the Hub did not say)
     * @param folder where they are
     * @param files the files, in the repository's order
     * @param checkpoint the weights file to open ({@code NAME.pt}, or the first part of a split one), if any
     * @param downloadedBytes bytes fetched over the network (not those already there)
     */
    public record Result(String repo, String commit, Path folder, List<Path> files, Optional<Path> checkpoint,
                         long downloadedBytes) {}

    private final HubClient client;
    private final String repo;
    private final String revision;
    private final Path folder;
    private final RetryPolicy policy;
    private final Throughput speed = new Throughput();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong fetched = new AtomicLong();
    private final AtomicReference<String> retryNote = new AtomicReference<>("");
    private final Optional<String> preset;
    private volatile long totalBytes = -1;

    public HubDownload(HubClient client, String repo, String revision, Path folder, RetryPolicy policy) {
        this(client, repo, revision, folder, policy, Optional.empty());
    }

    /**
     * A download that, when done, writes the config preset {@code preset} beside the weights as {@code NAME.yml}
     * (unless a config is already there), so the model opens with that config.
     */
    public HubDownload(HubClient client, String repo, String revision, Path folder, RetryPolicy policy,
                       Optional<String> preset) {
        super("Download " + repo);
        this.client = client;
        this.repo = repo;
        this.revision = revision;
        this.folder = folder;
        this.policy = policy;
        this.preset = preset;
    }

    public String repo() {
        return repo;
    }

    public Path folder() {
        return folder;
    }

    /** Bytes per second over the last few seconds. */
    public double bytesPerSecond() {
        return speed.bytesPerSecond(System.nanoTime());
    }

    /** Seconds until the download ends at the current speed, or -1 when unknown. */
    public double secondsLeft() {
        double s = bytesPerSecond();
        long t = totalBytes;
        return s <= 0 || t < 0 ? -1 : Math.max(0, t - bytes.get()) / s;
    }

    /** The last retry notice ("… trying again in 4 s"), empty while all goes well. */
    public String retryNote() {
        return retryNote.get();
    }

    /** {@code 1.2 GB of 13.8 GB, 45.0 MB/s, 4m50s left}: the figures of the download so far. */
    public String figures() {
        long t = totalBytes;
        String of = t < 0 ? "" : " of " + TrainingMemoryEstimate.bytes(t);
        double s = bytesPerSecond();
        double left = secondsLeft();
        return TrainingMemoryEstimate.bytes(bytes.get()) + of
                + (s > 0 ? String.format(Locale.ROOT, ", %.1f MB/s", s / 1e6) : "")
                + (left >= 0 ? ", " + duration(left) + " left" : "");
    }

    /** {@code 45s}, {@code 3m12s}, {@code 2h05m}. */
    public static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s";
        }
        return (s / 3600) + "h" + String.format(Locale.ROOT, "%02d", (s % 3600) / 60) + "m";
    }

    @Override
    protected Result call() throws IOException {
        message("Listing the files of " + repo);
        List<HubFile> files = client.listFiles(repo, revision);
        if (files.isEmpty()) {
            throw new HubException(0, repo + " at revision " + revision + " has no files");
        }
        long total = files.stream().mapToLong(HubFile::size).sum();
        totalBytes = total;
        Files.createDirectories(folder);
        checkRoom(files);
        progress(0, total);
        String pinned = revision;
        String commit = "";
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            checkCancelled();
            HubFile f = files.get(i);
            Path target = folder.resolve(f.path()).normalize();
            if (!target.startsWith(folder.normalize())) {
                throw new HubException(0, "unsafe file name in " + repo + ": " + f.path());
            }
            message(String.format(Locale.ROOT, "%s (%d of %d)", f.path(), i + 1, files.size()));
            if (Files.exists(target)) {
                keepExisting(f, target);
                out.add(target);
                continue;
            }
            HubClient.FileMetadata meta = client.head(repo, pinned, f.path());
            if (commit.isEmpty() && !meta.commit().isEmpty()) {
                commit = meta.commit();
                pinned = commit;
            }
            check(f, meta);
            String rev = pinned;
            boolean[] first = {true};
            ResumableDownload.Source source = offset -> {
                HubClient.FileMetadata m = meta;
                if (!first[0]) {
                    m = client.head(repo, rev, f.path());   // a fresh storage address: signed ones expire
                }
                first[0] = false;
                return client.get(m.location(), offset, f.path());
            };
            long base = bytes.get();
            ResumableDownload.fetch(source, target, f.size(), f.expectedDigest(), Digests.of(f.expectedDigest()),
                    policy, new ResumableDownload.Listener() {
                        @Override
                        public void resumed(long n) {
                            add(n, false);
                            speed.reset();
                        }

                        @Override
                        public void transferred(long delta) {
                            add(delta, true);
                            retryNote.set("");
                        }

                        @Override
                        public void retrying(String note) {
                            retryNote.set(note);
                        }
                    }, this::isCancelRequested);
            bytes.set(base + f.size());
            progress(bytes.get(), total);
            out.add(target);
        }
        Optional<Path> weights = checkpoint(out);
        if (preset.isPresent() && weights.isPresent()) {
            writeConfig(weights.get(), preset.get());
        }
        message("Downloaded " + repo + " (" + TrainingMemoryEstimate.bytes(total) + ")");
        return new Result(repo, commit, folder, List.copyOf(out), weights, fetched.get());
    }

    /** Writes the preset's YAML as {@code NAME.yml} beside {@code weights} unless a config is already there. */
    static void writeConfig(Path weights, String presetName) throws IOException {
        if (org.evo2wb.engine.load.ModelFiles.configNextTo(weights).isPresent()) {
            return;
        }
        String res = "/org/evo2wb/engine/presets/" + presetName + ".yml";
        try (var in = HubDownload.class.getResourceAsStream(res)) {
            if (in == null) {
                throw new IOException("no config preset " + presetName);
            }
            String yaml = "# Config preset " + presetName + " of Evo2 Workbench, written beside the downloaded weights\n"
                    + new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            org.evo2wb.engine.io.AtomicFiles.writeString(configPath(weights), yaml);
        }
    }

    /** {@code NAME.yml} for {@code NAME.pt}, {@code NAME.pt.part0} or {@code NAME.safetensors}. */
    static Path configPath(Path weights) {
        return weights.resolveSibling(org.evo2wb.engine.load.ModelFiles.stem(weights.getFileName().toString())
                + ".yml");
    }

    private void add(long delta, boolean network) {
        long now = bytes.addAndGet(delta);
        if (network) {
            fetched.addAndGet(delta);
        }
        speed.record(System.nanoTime(), fetched.get());
        progress(now, totalBytes);
    }

    /** A file already in the folder under its name: kept when its checksum matches, else the download stops. */
    private void keepExisting(HubFile f, Path target) throws IOException {
        String want = f.expectedDigest();
        long size = Files.size(target);
        String got = "";
        if (size == f.size()) {
            var md = Digests.of(want).start(size);
            Digests.update(md, target, size, n -> {
                add(n, false);
                checkCancelled();
            });
            got = java.util.HexFormat.of().formatHex(md.digest());
            speed.reset();
        }
        if (!got.equalsIgnoreCase(want)) {
            throw new HubException(0, target + " is already there but is not " + f.path() + " of " + repo
                    + " (its size or checksum differs). Move it away, or choose another folder, and download again.");
        }
    }

    /** The HEAD must agree with the file list: same size, and for large files the same SHA-256. */
    private void check(HubFile f, HubClient.FileMetadata meta) throws HubException {
        if (meta.size() >= 0 && meta.size() != f.size()) {
            throw new HubException(0, f.path() + " of " + repo + " changed on the Hub during the download (its size "
                    + "is now " + meta.size() + ", the file list said " + f.size() + "); start the download again.");
        }
        if (f.sha256().isPresent() && meta.etag().matches("[0-9a-fA-F]{64}")
                && !meta.etag().equalsIgnoreCase(f.sha256().get())) {
            throw new HubException(0, f.path() + " of " + repo + " changed on the Hub during the download (its "
                    + "SHA-256 differs from the file list's); start the download again.");
        }
    }

    /** Fails before downloading when the folder's disk lacks room for the bytes still missing. */
    private void checkRoom(List<HubFile> files) throws IOException {
        long missing = 0;
        for (HubFile f : files) {
            Path target = folder.resolve(f.path());
            if (Files.exists(target)) {
                continue;
            }
            Path part = ResumableDownload.incomplete(target);
            long have = Files.exists(part) ? Math.min(Files.size(part), f.size()) : 0;
            missing += f.size() - have;
        }
        long free = Files.getFileStore(folder).getUsableSpace();
        if (missing > free) {
            throw new IOException(String.format(Locale.ROOT, "Not enough disk space in %s: %s needs %s more, but "
                    + "only %s are free. Free some space or choose another folder.", folder, repo,
                    TrainingMemoryEstimate.bytes(missing), TrainingMemoryEstimate.bytes(free)));
        }
    }

    /** The weights among the files: a {@code .pt}/{@code .safetensors} file, or the first part of a split one. */
    static Optional<Path> checkpoint(List<Path> files) {
        for (Path p : files) {
            String n = p.getFileName().toString();
            if (n.endsWith(".pt") || n.endsWith(".pt.part0") || n.endsWith(".safetensors")) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
