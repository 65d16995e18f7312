package org.evo2wb.engine.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ProxySelector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import org.evo2wb.engine.task.TaskStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from a local stand-in for the Hub ({@link FakeHub}): never the network. */
class HubDownloadTest {

    private static final RetryPolicy QUICK = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50),
            Duration.ofMillis(400));
    private static final String REPO = "arcinstitute/evo2_tiny";

    @TempDir
    Path dir;

    private FakeHub hub;
    private byte[] weights;
    private byte[] config;
    private byte[] readme;

    @BeforeEach
    void start() throws IOException {
        hub = new FakeHub();
        weights = new byte[700_000];
        new Random(7).nextBytes(weights);
        config = "{\"name\": \"evo2_tiny\", \"architecture\": [\"StripedHyena2\"]}".getBytes(StandardCharsets.UTF_8);
        readme = "# tiny\n".getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(".gitattributes", "*.pt filter=lfs\n".getBytes(StandardCharsets.UTF_8));
        files.put("README.md", readme);
        files.put("config.json", config);
        files.put("evo2_tiny.pt", weights);
        hub.add(REPO, files, false);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private HubClient client(Optional<String> token) {
        return new HubClient(new HubEndpoint(hub.uri(), token, ProxySelector.of(null)));
    }

    private HubDownload.Result download(Optional<String> token, String repo) throws Exception {
        HubDownload d = new HubDownload(client(token), repo, "main", dir, QUICK);
        d.run();
        try {
            return d.result().get();
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    @Test
    void downloadsEveryFileVerifiedThroughTheStorageRedirect() throws Exception {
        HubDownload.Result r = download(Optional.of("hf_other"), REPO);

        assertArrayEquals(weights, Files.readAllBytes(dir.resolve("evo2_tiny.pt")));
        assertArrayEquals(config, Files.readAllBytes(dir.resolve("config.json")));
        assertArrayEquals(readme, Files.readAllBytes(dir.resolve("README.md")));
        assertEquals(4, r.files().size());
        assertEquals(Optional.of(dir.resolve("evo2_tiny.pt")), r.checkpoint());
        assertEquals(FakeHub.COMMIT, r.commit());
        assertEquals(weights.length + config.length + readme.length + 16, r.downloadedBytes());
        try (var s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".incomplete")));
        }
        // the token went to the Hub but never to the storage host; files after the first came from the pinned commit
        assertEquals(0, hub.storageAuthorizationSeen.get());
        assertTrue(hub.log.stream().anyMatch(l -> l.startsWith("HEAD /" + REPO + "/resolve/" + FakeHub.COMMIT
                + "/evo2_tiny.pt")), hub.log.toString());
        // the tree came in two pages
        assertEquals(2, hub.log.stream().filter(l -> l.startsWith("GET /api/models/")).count());
    }

    @Test
    void aConnectionCutMidFileResumesWithARange() throws Exception {
        hub.cutAfter = 300_000;
        hub.cutsLeft.set(2);

        download(Optional.empty(), REPO);

        assertArrayEquals(weights, Files.readAllBytes(dir.resolve("evo2_tiny.pt")));
        // two cuts, two resumptions, each from where the bytes had stopped (the last chunk before a cut may be lost)
        java.util.List<Long> starts = hub.log.stream().filter(l -> l.startsWith("GET /storage/") && l.contains("bytes="))
                .map(l -> Long.parseLong(l.replaceAll(".*bytes=(\\d+)-$", "$1"))).toList();
        assertEquals(2, starts.size(), hub.log.toString());
        assertTrue(starts.get(0) > 200_000 && starts.get(0) <= 300_000, starts.toString());
        assertTrue(starts.get(1) > starts.get(0) + 200_000 && starts.get(1) <= starts.get(0) + 300_000,
                starts.toString());
    }

    @Test
    void anInterruptedDownloadResumesFromItsIncompleteFile() throws Exception {
        Path part = ResumableDownload.incomplete(dir.resolve("evo2_tiny.pt"));
        Files.write(part, java.util.Arrays.copyOf(weights, 123_456));

        download(Optional.empty(), REPO);

        assertArrayEquals(weights, Files.readAllBytes(dir.resolve("evo2_tiny.pt")));
        assertFalse(Files.exists(part));
        assertTrue(hub.log.stream().anyMatch(l -> l.endsWith("bytes=123456-")), hub.log.toString());
        assertEquals(weights.length - 123_456, hub.storageBytesSent.get());
    }

    @Test
    void aServerIgnoringRangesStartsTheFileOver() throws Exception {
        Files.write(ResumableDownload.incomplete(dir.resolve("evo2_tiny.pt")), java.util.Arrays.copyOf(weights, 5000));
        hub.ignoreRanges = true;

        download(Optional.empty(), REPO);

        assertArrayEquals(weights, Files.readAllBytes(dir.resolve("evo2_tiny.pt")));
    }

    @Test
    void aStalledConnectionIsDroppedAndResumed() throws Exception {
        hub.cutAfter = 200_000;
        hub.stallsLeft.set(1);
        hub.stallMs = 3000;

        download(Optional.empty(), REPO);

        assertArrayEquals(weights, Files.readAllBytes(dir.resolve("evo2_tiny.pt")));
        assertTrue(hub.log.stream().anyMatch(l -> l.startsWith("GET /storage/") && l.contains("bytes=")),
                hub.log.toString());
    }

    @Test
    void aWrongChecksumDeletesTheBadDataAndSaysSo() {
        hub.corrupt = true;

        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> download(Optional.empty(), REPO));

        assertInstanceOf(ChecksumMismatchException.class, e);
        assertTrue(e.getMessage().startsWith("evo2_tiny.pt is damaged: its SHA-256 is "), e.getMessage());
        assertTrue(e.getMessage().contains(FakeHub.sha256(weights)), e.getMessage());
        assertTrue(e.getMessage().contains("deleted"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("evo2_tiny.pt")));
        assertFalse(Files.exists(ResumableDownload.incomplete(dir.resolve("evo2_tiny.pt"))));
    }

    @Test
    void aGatedRepositoryWantsAToken() throws Exception {
        hub.add("arcinstitute/gated", Map.of("config.json", config), true);

        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> download(Optional.empty(), "arcinstitute/gated"));
        assertInstanceOf(HubException.class, e);
        assertEquals(401, ((HubException) e).status());
        assertTrue(e.getMessage().contains("(401)") && e.getMessage().contains("HF_TOKEN"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("config.json")));

        download(Optional.of(FakeHub.TOKEN), "arcinstitute/gated");
        assertArrayEquals(config, Files.readAllBytes(dir.resolve("config.json")));
    }

    @Test
    void anUnknownRepositoryIsNotFound() {
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> download(Optional.empty(), "arcinstitute/no_such_model"));
        assertEquals(404, ((HubException) e).status());
        assertTrue(e.getMessage().contains("arcinstitute/no_such_model") && e.getMessage().contains("(404)"),
                e.getMessage());
    }

    @Test
    void whenTheTriesRunOutTheMessageNamesTheFileAndKeepsTheBytes() {
        hub.cutAfter = 100_000;
        hub.cutsLeft.set(1000);
        // every try gets nothing new after the first cut: the partial file stays at 100,000 bytes
        hub.ignoreRanges = true;

        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> download(Optional.empty(), REPO));

        assertTrue(e.getMessage().startsWith("Downloading evo2_tiny.pt failed after 4 tries"), e.getMessage());
        assertTrue(e.getMessage().contains(".evo2_tiny.pt.incomplete"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("evo2_tiny.pt")));
    }

    @Test
    void cancellingKeepsTheVerifiedFilesAndThePartialOne() throws Exception {
        hub.chunk = 10_000;
        hub.pauseMs = 20;
        HubDownload d = new HubDownload(client(Optional.empty()), REPO, "main", dir, QUICK);
        Thread t = new Thread(d::run);
        t.start();
        while (d.done() < 200_000 && t.isAlive()) {
            Thread.sleep(5);
        }
        d.cancel();
        t.join(10_000);

        assertEquals(TaskStatus.CANCELLED, d.status());
        assertArrayEquals(config, Files.readAllBytes(dir.resolve("config.json")));
        assertFalse(Files.exists(dir.resolve("evo2_tiny.pt")));
        Path part = ResumableDownload.incomplete(dir.resolve("evo2_tiny.pt"));
        long kept = Files.size(part);
        assertTrue(kept > 0 && kept < weights.length, "kept " + kept);
        assertArrayEquals(java.util.Arrays.copyOf(weights, (int) kept), Files.readAllBytes(part));

        hub.pauseMs = 0;
        hub.log.clear();
        download(Optional.empty(), REPO);
        assertArrayEquals(weights, Files.readAllBytes(dir.resolve("evo2_tiny.pt")));
        assertTrue(hub.log.stream().anyMatch(l -> l.endsWith("bytes=" + kept + "-")), hub.log.toString());
    }

    @Test
    void filesAlreadyThereAreCheckedNotFetched() throws Exception {
        download(Optional.empty(), REPO);
        hub.log.clear();

        download(Optional.empty(), REPO);
        assertTrue(hub.log.stream().noneMatch(l -> l.contains("/resolve/") || l.contains("/storage/")),
                hub.log.toString());

        Files.write(dir.resolve("config.json"), "something else".getBytes(StandardCharsets.UTF_8));
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> download(Optional.empty(), REPO));
        assertTrue(e.getMessage().contains("config.json is already there but is not config.json"), e.getMessage());
    }

    @Test
    void multiPartCheckpointsStayParts() throws Exception {
        byte[] p0 = java.util.Arrays.copyOf(weights, 400_000);
        byte[] p1 = java.util.Arrays.copyOfRange(weights, 400_000, weights.length);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("config.json", config);
        files.put("evo2_big.pt.part0", p0);
        files.put("evo2_big.pt.part1", p1);
        hub.add("arcinstitute/evo2_big", files, false);

        HubDownload.Result r = download(Optional.empty(), "arcinstitute/evo2_big");

        assertEquals(Optional.of(dir.resolve("evo2_big.pt.part0")), r.checkpoint());
        assertArrayEquals(p0, Files.readAllBytes(dir.resolve("evo2_big.pt.part0")));
        assertArrayEquals(p1, Files.readAllBytes(dir.resolve("evo2_big.pt.part1")));
        assertFalse(Files.exists(dir.resolve("evo2_big.pt")));
    }

    @Test
    void aCatalogModelGetsItsConfigPresetBesideTheWeights() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("config.json", config);
        files.put("evo2_7b.pt", weights);
        hub.add("arcinstitute/evo2_7b", files, false);

        HubDownload d = ModelDownloads.create(client(Optional.empty()), "arcinstitute/evo2_7b", Optional.empty(),
                Optional.of(dir));
        d.run();
        HubDownload.Result r = d.result().get();

        Path yml = dir.resolve("evo2_7b.yml");
        assertEquals(Optional.of(yml), org.evo2wb.engine.load.ModelFiles.configNextTo(r.checkpoint().orElseThrow()));
        assertEquals(org.evo2wb.engine.model.Evo2Config.preset("evo2-7b-1m"),
                org.evo2wb.engine.model.Evo2Config.load(yml));
    }

    @Test
    void queuedDownloadsRunOneAfterAnother() throws Exception {
        Map<String, byte[]> other = new LinkedHashMap<>();
        other.put("config.json", config);
        hub.add("arcinstitute/other", other, false);
        hub.chunk = 20_000;
        hub.pauseMs = 5;
        try (DownloadQueue q = new DownloadQueue()) {
            HubDownload first = q.add(new HubDownload(client(Optional.empty()), REPO, "main", dir.resolve("a"),
                    QUICK));
            HubDownload second = q.add(new HubDownload(client(Optional.empty()), "arcinstitute/other", "main",
                    dir.resolve("b"), QUICK));
            HubDownload third = q.add(new HubDownload(client(Optional.empty()), "arcinstitute/other", "main",
                    dir.resolve("c"), QUICK));
            third.cancel();
            second.result().get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(TaskStatus.FINISHED, first.status(), "the first ended before the second");
            assertEquals(3, q.tasks().size());
            org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> third.result().get());
            assertEquals(TaskStatus.CANCELLED, third.status());
            assertFalse(Files.exists(dir.resolve("c")));
        }
        assertArrayEquals(weights, Files.readAllBytes(dir.resolve("a/evo2_tiny.pt")));
        assertArrayEquals(config, Files.readAllBytes(dir.resolve("b/config.json")));
    }
}
