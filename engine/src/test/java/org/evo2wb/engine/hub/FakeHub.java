package org.evo2wb.engine.hub;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local stand-in for the Hugging Face Hub on 127.0.0.1, answering as the Hub does: the tree API (two entries per
 * page, linked by {@code Link: rel="next"}), HEAD and GET of {@code /{repo}/resolve/{revision}/{file}} (large files
 * redirect to a storage address with {@code X-Linked-Etag}/{@code X-Linked-Size}; small ones answer with their git
 * blob id as ETag), storage GETs with byte ranges, a gated repository that wants a token, and faults on demand: cut
 * connections, stalls, a corrupted byte, ranges ignored.
 */
final class FakeHub implements AutoCloseable {

    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    static final String TOKEN = "hf_secret";

    record Repo(Map<String, byte[]> files, java.util.Set<String> large, boolean gated) {}

    final Map<String, Repo> repos = new ConcurrentHashMap<>();
    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    final AtomicLong storageBytesSent = new AtomicLong();
    final AtomicInteger storageAuthorizationSeen = new AtomicInteger();
    /** Storage GETs still to be cut after {@link #cutAfter} bytes. */
    final AtomicInteger cutsLeft = new AtomicInteger();
    volatile long cutAfter = 0;
    /** Storage GETs still to stall (send {@link #cutAfter} bytes, then nothing) for {@link #stallMs}. */
    final AtomicInteger stallsLeft = new AtomicInteger();
    volatile long stallMs = 0;
    volatile boolean ignoreRanges;
    volatile boolean corrupt;
    /** Bytes per storage write, and a pause after each (to make downloads slow enough to cancel). */
    volatile int chunk = 1 << 16;
    volatile long pauseMs = 0;

    private final HttpServer server;
    private final HttpServer storage;

    FakeHub() throws IOException {
        server = serve();
        storage = serve();
    }

    private HttpServer serve() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-hub");
            t.setDaemon(true);
            return t;
        }));
        s.createContext("/", this::handle);
        s.start();
        return s;
    }

    /** The storage host large files redirect to (another port: another origin). */
    URI storageUri() {
        return URI.create("http://127.0.0.1:" + storage.getAddress().getPort());
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Adds a repository; files whose name ends in .pt or .partN are large-file-storage files. */
    void add(String repo, Map<String, byte[]> files, boolean gated) {
        java.util.Set<String> large = new java.util.HashSet<>();
        for (String f : files.keySet()) {
            if (f.endsWith(".pt") || f.matches(".*\\.part\\d+") || f.endsWith(".zip")) {
                large.add(f);
            }
        }
        repos.put(repo, new Repo(new LinkedHashMap<>(files), large, gated));
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String gitOid(byte[] b) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update(("blob " + b.length + "\0").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(md.digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            String range = ex.getRequestHeaders().getFirst("Range");
            log.add(ex.getRequestMethod() + " " + ex.getRequestURI() + (range != null ? " " + range : ""));
            if (path.startsWith("/storage/")) {
                storage(ex, path.substring("/storage/".length()), range);
            } else if (path.startsWith("/api/models/")) {
                tree(ex, path.substring("/api/models/".length()));
            } else if (path.contains("/resolve/")) {
                resolve(ex, path);
            } else {
                empty(ex, 404);
            }
        }
    }

    private Repo authorised(HttpExchange ex, String repo) throws IOException {
        Repo r = repos.get(repo);
        if (r == null) {
            empty(ex, repos.values().stream().anyMatch(Repo::gated) && !hasToken(ex) ? 401 : 404);
            return null;
        }
        if (r.gated && !hasToken(ex)) {
            empty(ex, 401);
            return null;
        }
        return r;
    }

    private static boolean hasToken(HttpExchange ex) {
        return ("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"));
    }

    private void tree(HttpExchange ex, String rest) throws IOException {
        int t = rest.indexOf("/tree/");
        String repo = rest.substring(0, t);
        Repo r = authorised(ex, repo);
        if (r == null) {
            return;
        }
        String query = ex.getRequestURI().getRawQuery();
        int page = 0;
        if (query != null && query.contains("cursor=")) {
            page = Integer.parseInt(query.replaceAll(".*cursor=(\\d+).*", "$1"));
        }
        List<String> names = new ArrayList<>(r.files.keySet());
        JsonArray arr = new JsonArray();
        if (page == 0) {
            JsonObject dir = new JsonObject();
            dir.addProperty("type", "directory");
            dir.addProperty("path", "subdir");
            arr.add(dir);
        }
        for (int i = page * 2; i < Math.min(names.size(), page * 2 + 2); i++) {
            String n = names.get(i);
            byte[] b = r.files.get(n);
            JsonObject o = new JsonObject();
            o.addProperty("type", "file");
            o.addProperty("path", n);
            o.addProperty("oid", gitOid(("pointer " + n).getBytes(StandardCharsets.UTF_8)));
            if (r.large.contains(n)) {
                o.addProperty("size", b.length);
                JsonObject lfs = new JsonObject();
                lfs.addProperty("oid", sha256(b));
                lfs.addProperty("size", b.length);
                lfs.addProperty("pointerSize", 134);
                o.add("lfs", lfs);
            } else {
                o.addProperty("oid", gitOid(b));
                o.addProperty("size", b.length);
            }
            arr.add(o);
        }
        if ((page + 1) * 2 < names.size()) {
            ex.getResponseHeaders().add("Link", "<" + uri() + ex.getRequestURI().getRawPath()
                    + "?recursive=true&cursor=" + (page + 1) + ">; rel=\"next\"");
        }
        byte[] body = arr.toString().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
    }

    private void resolve(HttpExchange ex, String path) throws IOException {
        // /{owner}/{name}/resolve/{revision}/{file}
        String[] p = path.substring(1).split("/", 5);
        if (p.length < 5) {
            empty(ex, 404);
            return;
        }
        String repo = p[0] + "/" + p[1];
        Repo r = authorised(ex, repo);
        if (r == null) {
            return;
        }
        String revision = java.net.URLDecoder.decode(p[3], StandardCharsets.UTF_8);
        String file = java.net.URLDecoder.decode(p[4], StandardCharsets.UTF_8);
        byte[] b = r.files.get(file);
        if (b == null || !(revision.equals("main") || revision.equals(COMMIT))) {
            ex.getResponseHeaders().add("X-Error-Code", "EntryNotFound");
            empty(ex, 404);
            return;
        }
        ex.getResponseHeaders().add("X-Repo-Commit", COMMIT);
        boolean head = ex.getRequestMethod().equals("HEAD");
        if (r.large.contains(file)) {
            ex.getResponseHeaders().add("X-Linked-Etag", "\"" + sha256(b) + "\"");
            ex.getResponseHeaders().add("X-Linked-Size", String.valueOf(b.length));
            ex.getResponseHeaders().add("ETag", "\"" + gitOid(("pointer " + file).getBytes()) + "\"");
            ex.getResponseHeaders().add("Location", storageUri() + "/storage/" + sha256(b) + "?X-Amz-Signature=abc");
            ex.sendResponseHeaders(302, -1);
            return;
        }
        ex.getResponseHeaders().add("ETag", "\"" + gitOid(b) + "\"");
        if (head) {
            ex.getResponseHeaders().add("Content-Length", String.valueOf(b.length));
            ex.sendResponseHeaders(200, -1);
            return;
        }
        ex.sendResponseHeaders(200, b.length == 0 ? -1 : b.length);
        ex.getResponseBody().write(b);
    }

    private void storage(HttpExchange ex, String sha, String range) throws IOException {
        if (ex.getRequestHeaders().getFirst("Authorization") != null) {
            storageAuthorizationSeen.incrementAndGet();
        }
        byte[] found = null;
        for (Repo r : repos.values()) {
            for (byte[] b : r.files.values()) {
                if (sha256(b).equals(sha)) {
                    found = b;
                }
            }
        }
        if (found == null) {
            empty(ex, 404);
            return;
        }
        byte[] b = found.clone();
        if (corrupt) {
            b[b.length / 2] ^= 1;
        }
        long start = 0;
        if (range != null && !ignoreRanges) {
            start = Long.parseLong(range.replaceAll("bytes=(\\d+)-.*", "$1"));
            if (start >= b.length) {
                ex.getResponseHeaders().add("Content-Range", "bytes */" + b.length);
                empty(ex, 416);
                return;
            }
            ex.getResponseHeaders().add("Content-Range", "bytes " + start + "-" + (b.length - 1) + "/" + b.length);
            ex.sendResponseHeaders(206, b.length - start);
        } else {
            ex.sendResponseHeaders(200, b.length);
        }
        OutputStream out = ex.getResponseBody();
        long limit = b.length;
        boolean cut = cutsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        boolean stall = !cut && stallsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        if (cut || stall) {
            limit = Math.min(b.length, start + cutAfter);
        }
        for (long at = start; at < limit; at += chunk) {
            int n = (int) Math.min(chunk, limit - at);
            out.write(b, (int) at, n);
            out.flush();
            storageBytesSent.addAndGet(n);
            if (pauseMs > 0) {
                sleep(pauseMs);
            }
        }
        if (stall) {
            sleep(stallMs);
        }
        if (cut || stall) {
            // drop the connection without finishing the body
            throw new IOException("cut by the test");
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void empty(HttpExchange ex, int status) throws IOException {
        ex.sendResponseHeaders(status, -1);
    }

    @Override
    public void close() {
        server.stop(0);
        storage.stop(0);
    }
}
