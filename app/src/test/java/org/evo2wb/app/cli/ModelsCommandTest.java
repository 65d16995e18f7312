package org.evo2wb.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.evo2wb.engine.model.Evo2Config;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code evo2wb models list} and {@code models download} against a Hub imitation on 127.0.0.1. */
class ModelsCommandTest {

    @TempDir
    Path tmp;

    private HttpServer server;
    private final byte[] weights = new byte[300_000];

    @BeforeEach
    void startHub() throws IOException {
        new Random(3).nextBytes(weights);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
        System.setProperty("HF_ENDPOINT", "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stopHub() {
        System.clearProperty("HF_ENDPOINT");
        server.stop(0);
    }

    /** One repository, arcinstitute/evo2_7b_base, with one large file served from /storage with byte ranges. */
    private void answer(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String sha = sha256(weights);
            if (path.equals("/api/models/arcinstitute/evo2_7b_base/tree/main")) {
                byte[] body = ("[{\"type\":\"file\",\"path\":\"evo2_7b_base.pt\",\"size\":" + weights.length
                        + ",\"oid\":\"0000000000000000000000000000000000000000\",\"lfs\":{\"oid\":\"" + sha
                        + "\",\"size\":" + weights.length + "}}]").getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            } else if (path.equals("/arcinstitute/evo2_7b_base/resolve/main/evo2_7b_base.pt")) {
                ex.getResponseHeaders().add("X-Repo-Commit", "abc123");
                ex.getResponseHeaders().add("X-Linked-Etag", "\"" + sha + "\"");
                ex.getResponseHeaders().add("X-Linked-Size", String.valueOf(weights.length));
                ex.getResponseHeaders().add("Location", "http://127.0.0.1:" + server.getAddress().getPort()
                        + "/storage/" + sha);
                ex.sendResponseHeaders(302, -1);
            } else if (path.equals("/storage/" + sha)) {
                ex.sendResponseHeaders(200, weights.length);
                ex.getResponseBody().write(weights);
            } else {
                ex.sendResponseHeaders(404, -1);
            }
        }
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void listPrintsTheCatalogAsJsonWithTheDevices() {
        Cli.Run r = Cli.run("models", "list", "--json");
        assertEquals(0, r.exit(), r.toString());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals("2026-12-07", o.get("checked").getAsString());
        assertEquals("cpu", o.getAsJsonArray("devices").get(0).getAsJsonObject().get("device").getAsString());
        JsonArray models = o.getAsJsonArray("models");
        assertEquals(7, models.size());
        JsonObject forty = null;
        for (var m : models) {
            if (m.getAsJsonObject().get("repo").getAsString().equals("arcinstitute/evo2_40b")) {
                forty = m.getAsJsonObject();
            }
        }
        assertEquals(82_253_491_694L, forty.get("disk_bytes").getAsLong());
        assertEquals(Evo2Config.preset("evo2-40b-1m").parameterCount(), forty.get("parameters").getAsLong());
        assertTrue(forty.has("fp8_warning"));
        assertEquals(5, forty.getAsJsonArray("gpu_memory").size());
        String here = forty.getAsJsonArray("gpu_memory").get(0).getAsJsonObject().get("here").getAsString();
        assertTrue(here.equals("no usable GPU here") || here.startsWith("fits ") || here.startsWith("too big"), here);
    }

    @Test
    void listAsTextNamesEachRepositoryAndHowToDownload() {
        Cli.Run r = Cli.run("models", "list");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("\narcinstitute/evo2_7b  Evo 2 7B\n"), r.out());
        assertTrue(r.out().contains("parameters 6.58 billion, context 1,048,576 bases, config preset evo2-7b-1m"),
                r.out());
        assertTrue(r.out().contains("disk 82.3 GB: evo2_40b.pt.part0 41.1 GB, evo2_40b.pt.part1 41.1 GB"), r.out());
        assertTrue(r.out().contains("Download one with: evo2wb models download REPO_ID"), r.out());
    }

    @Test
    void downloadVerifiesTheFilesAndWritesTheConfigPreset() throws IOException {
        Path dir = tmp.resolve("m");
        Cli.Run r = Cli.run("models", "download", "arcinstitute/evo2_7b_base", "--dir", dir);
        assertEquals(0, r.exit(), r.toString());
        assertArrayEquals(weights, Files.readAllBytes(dir.resolve("evo2_7b_base.pt")));
        assertEquals(Evo2Config.preset("evo2-7b-8k"), Evo2Config.load(dir.resolve("evo2_7b_base.yml")));
        assertTrue(r.out().startsWith("Downloaded arcinstitute/evo2_7b_base at commit abc123 into " + dir
                + ": 1 files, 300 kB verified (300 kB fetched)"), r.out());
        assertTrue(r.out().contains("Use it with --model " + dir.resolve("evo2_7b_base.pt")), r.out());
    }

    @Test
    void anUnknownRepositoryFailsWithOneLine() {
        Cli.Run r = Cli.run("models", "download", "arcinstitute/nothing_here", "--dir", tmp);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("(404): arcinstitute/nothing_here"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(Files.exists(tmp.resolve("nothing_here")));
    }

    @Test
    void aMalformedRepositoryIdIsAUsageError() {
        Cli.Run r = Cli.run("models", "download", "evo2_7b", "--dir", tmp);
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("not a Hub repository id (owner/name): evo2_7b"), r.err());
    }
}
