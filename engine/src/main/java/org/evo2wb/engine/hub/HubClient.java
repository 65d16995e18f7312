package org.evo2wb.engine.hub;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Speaks the Hub's file protocol as the official {@code huggingface_hub} client does: the file list from
 * {@code {endpoint}/api/models/{repo}/tree/{revision}?recursive=true} (paged through {@code Link: rel="next"}), the
 * metadata of a file from {@code HEAD {endpoint}/{repo}/resolve/{revision}/{file}} ({@code X-Repo-Commit},
 * {@code X-Linked-Etag}, {@code X-Linked-Size}, and the storage address in {@code Location}), and its bytes by GET
 * with a byte range, following redirects. Redirects are followed here rather than by the HTTP client so that the
 * token goes only to the Hub, never to the storage host a file is redirected to.
 */
public final class HubClient {

    private static final int MAX_REDIRECTS = 10;
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

    private final HubEndpoint hub;
    private final HttpClient http;

    public HubClient(HubEndpoint hub) {
        this.hub = hub;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(30))
                .proxy(hub.proxy())
                .build();
    }

    public HubEndpoint endpoint() {
        return hub;
    }

    /**
     * What a HEAD of a file's resolve address says.
     *
     * @param commit the commit the revision points to ({@code X-Repo-Commit}), or empty
     * @param etag the file's checksum ({@code X-Linked-Etag}, else {@code ETag}; quotes removed): the SHA-256 of
     *             large files, the git blob id of small ones
     * @param size its size ({@code X-Linked-Size}, else {@code Content-Length}), or -1
     * @param location where its bytes are fetched (the storage address of large files)
     */
    public record FileMetadata(String commit, String etag, long size, URI location) {}

    /**
     * An open response to a GET of a file's bytes.
     *
     * @param status 200 (the whole file) or 206 (from {@code offset} on)
     * @param offset the first byte the body holds
     * @param length the bytes the body holds, or -1 when the server did not say
     * @param body the bytes; close it
     */
    public record Body(int status, long offset, long length, InputStream body) {}

    /** Every file of {@code repo} at {@code revision}, folders left out. */
    public List<HubFile> listFiles(String repo, String revision) throws IOException {
        URI next = URI.create(hub.endpoint() + "/api/models/" + repoPath(repo) + "/tree/" + encode(revision)
                + "?recursive=true&expand=false");
        List<HubFile> files = new ArrayList<>();
        int pages = 0;
        while (next != null) {
            if (++pages > 1000) {
                throw new HubException(0, "the Hub's file list of " + repo + " does not end (over 1000 pages)");
            }
            HttpResponse<String> r = send(request(next, true).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw refusal(r.statusCode(), repo, revision, null);
            }
            JsonArray entries;
            try {
                entries = JsonParser.parseString(r.body()).getAsJsonArray();
            } catch (RuntimeException e) {
                throw new HubException(0, "the Hub's file list of " + repo + " is not a JSON list: " + e.getMessage());
            }
            for (JsonElement e : entries) {
                JsonObject o = e.getAsJsonObject();
                if (!"file".equals(string(o, "type"))) {
                    continue;
                }
                Optional<String> sha = Optional.empty();
                long size = o.has("size") ? o.get("size").getAsLong() : -1;
                if (o.has("lfs") && o.get("lfs").isJsonObject()) {
                    JsonObject lfs = o.getAsJsonObject("lfs");
                    sha = Optional.ofNullable(string(lfs, "oid")).map(s -> s.toLowerCase(Locale.ROOT));
                    if (lfs.has("size")) {
                        size = lfs.get("size").getAsLong();
                    }
                }
                files.add(new HubFile(string(o, "path"), size, sha, String.valueOf(string(o, "oid"))));
            }
            next = r.headers().firstValue("Link").map(HubClient::nextPage).map(next::resolve).orElse(null);
        }
        return files;
    }

    /**
     * The HEAD of a file's resolve address. As {@code huggingface_hub} does, only relative redirects are followed
     * (a renamed repository); a redirect to another host is the file's storage address, returned as its location.
     */
    public FileMetadata head(String repo, String revision, String file) throws IOException {
        URI uri = resolveUri(repo, revision, file);
        for (int i = 0; i <= MAX_REDIRECTS; i++) {
            HttpRequest req = request(uri, true).method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .header("Accept-Encoding", "identity").build();
            HttpResponse<Void> r = send(req, HttpResponse.BodyHandlers.discarding());
            int s = r.statusCode();
            Optional<String> rawLocation = r.headers().firstValue("Location");
            URI base = uri;
            Optional<URI> location = rawLocation.map(base::resolve);
            if (isRedirect(s) && rawLocation.isPresent() && URI.create(rawLocation.get()).getHost() == null) {
                uri = location.get();
                continue;
            }
            if (s != 200 && !isRedirect(s)) {
                throw refusal(s, repo, revision, file);
            }
            String etag = r.headers().firstValue("X-Linked-Etag").or(() -> r.headers().firstValue("ETag"))
                    .map(HubClient::bareEtag).orElse("");
            long size = r.headers().firstValue("X-Linked-Size")
                    .or(() -> r.headers().firstValue("Content-Length")).map(Long::parseLong).orElse(-1L);
            String commit = r.headers().firstValue("X-Repo-Commit").orElse("");
            return new FileMetadata(commit, etag, size, location.orElse(uri));
        }
        throw new HubException(0, "too many redirects for " + file + " of " + repo);
    }

    /**
     * GETs {@code uri} from byte {@code offset} on ({@code Range: bytes=offset-}), following redirects; the token is
     * sent only to the Hub's own host.
     *
     * @param what the file, for messages
     */
    public Body get(URI uri, long offset, String what) throws IOException {
        URI at = uri;
        for (int i = 0; i <= MAX_REDIRECTS; i++) {
            HttpRequest.Builder b = request(at, sameHost(at, hub.endpoint())).GET()
                    .header("Accept-Encoding", "identity");
            if (offset > 0) {
                b.header("Range", "bytes=" + offset + "-");
            }
            HttpResponse<InputStream> r = send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            int s = r.statusCode();
            if (isRedirect(s)) {
                r.body().close();
                URI from = at;
                at = r.headers().firstValue("Location").map(from::resolve)
                        .orElseThrow(() -> new HubException(s, "a redirect without a Location for " + what));
                continue;
            }
            long length = r.headers().firstValueAsLong("Content-Length").orElse(-1L);
            if (s == 200) {
                return new Body(200, 0, length, r.body());
            }
            if (s == 206) {
                long start = r.headers().firstValue("Content-Range").map(HubClient::rangeStart).orElse(-1L);
                if (start != offset) {
                    r.body().close();
                    throw new HubException(0, "the server sent bytes from " + start + " when asked for " + offset
                            + " of " + what);
                }
                return new Body(206, offset, length, r.body());
            }
            r.body().close();
            throw refusal(s, at.toString(), "", what);
        }
        throw new HubException(0, "too many redirects for " + what);
    }

    /**
     * The size a server announces for {@code uri} (HEAD, redirects followed), or -1 when it does not say.
     *
     * @param what the file, for messages
     */
    public long contentLength(URI uri, String what) throws IOException {
        URI at = uri;
        for (int i = 0; i <= MAX_REDIRECTS; i++) {
            HttpRequest req = request(at, sameHost(at, hub.endpoint())).method("HEAD",
                    HttpRequest.BodyPublishers.noBody()).header("Accept-Encoding", "identity").build();
            HttpResponse<Void> r = send(req, HttpResponse.BodyHandlers.discarding());
            int s = r.statusCode();
            if (isRedirect(s)) {
                URI from = at;
                at = r.headers().firstValue("Location").map(from::resolve)
                        .orElseThrow(() -> new HubException(s, "a redirect without a Location for " + what));
                continue;
            }
            if (s != 200) {
                throw refusal(s, at.toString(), "", what);
            }
            return r.headers().firstValueAsLong("Content-Length").orElse(-1L);
        }
        throw new HubException(0, "too many redirects for " + what);
    }

    /** {@code {endpoint}/{repo}/resolve/{revision}/{file}}. */
    public URI resolveUri(String repo, String revision, String file) {
        StringBuilder p = new StringBuilder();
        for (String seg : file.split("/")) {
            p.append('/').append(encode(seg));
        }
        return URI.create(hub.endpoint() + "/" + repoPath(repo) + "/resolve/" + encode(revision) + p);
    }

    private HttpRequest.Builder request(URI uri, boolean withToken) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("User-Agent", "evo2wb");
        if (withToken) {
            hub.token().ifPresent(t -> b.header("Authorization", "Bearer " + t));
        }
        return b;
    }

    private <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler) throws IOException {
        try {
            return http.send(req, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while asking " + req.uri().getHost());
        }
    }

    /** What a refusal means, for a user: the status and what to do. */
    HubException refusal(int status, String repo, String revision, String file) {
        String what = file == null ? repo + (revision.isEmpty() ? "" : " at revision " + revision)
                : file + " of " + repo + (revision.isEmpty() ? "" : " at revision " + revision);
        String tokenHint = hub.token().isPresent()
                ? "the token in HF_TOKEN was refused or lacks access; check it, and accept the model's terms on its "
                        + "Hub page if it is gated"
                : "the repository needs an access token: set HF_TOKEN to a token of a Hub account (and accept the "
                        + "model's terms on its Hub page if it is gated)";
        return switch (status) {
            case 401 -> new HubException(status, hub.endpoint().getHost() + " refused " + what + " (401): "
                    + (hub.token().isPresent() ? "" : "check the repository id (the Hub answers 401 for one that "
                            + "does not exist); otherwise ") + tokenHint + ".");
            case 403 -> new HubException(status, hub.endpoint().getHost() + " denied access to " + what + " (403): "
                    + tokenHint + ".");
            case 404 -> new HubException(status, "not found on " + hub.endpoint().getHost() + " (404): " + what
                    + ". Check the repository id (owner/name) and the revision.");
            case 416 -> new HubException(status, "the server could not send the requested range of " + what
                    + " (416)");
            default -> new HubException(status, hub.endpoint().getHost() + " answered " + status + " for " + what
                    + (status >= 500 || status == 429 ? "; try again later." : "."));
        };
    }

    private static boolean isRedirect(int s) {
        return s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
    }

    static boolean sameHost(URI a, URI b) {
        return a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() > 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    /** {@code "abc"} and {@code W/"abc"} → {@code abc}. */
    static String bareEtag(String etag) {
        String e = etag.strip();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e;
    }

    /** {@code bytes 100-199/1000} → 100; -1 when unreadable. */
    static long rangeStart(String contentRange) {
        Matcher m = Pattern.compile("bytes\\s+(\\d+)-\\d+/(\\d+|\\*)").matcher(contentRange.strip());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    static String nextPage(String link) {
        Matcher m = NEXT.matcher(link);
        return m.find() ? m.group(1) : null;
    }

    /**
     * {@code repo} when it is a Hub repository id ({@code owner/name}).
     *
     * @throws IllegalArgumentException otherwise
     */
    public static String requireRepoId(String repo) {
        if (!repo.matches("[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("not a Hub repository id (owner/name): " + repo);
        }
        return repo;
    }

    private static String repoPath(String repo) {
        return requireRepoId(repo);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String string(JsonObject o, String key) {
        return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsString() : null;
    }
}
