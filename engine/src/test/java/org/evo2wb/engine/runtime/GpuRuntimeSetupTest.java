package org.evo2wb.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.evo2wb.engine.hub.ChecksumMismatchException;
import org.evo2wb.engine.hub.HubClient;
import org.evo2wb.engine.hub.HubEndpoint;
import org.evo2wb.engine.hub.RetryPolicy;
import org.evo2wb.engine.hub.WorkbenchFolders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GPU runtime set-up with a small stand-in libtorch archive served on 127.0.0.1. */
class GpuRuntimeSetupTest {

    @TempDir
    Path home;

    private HttpServer server;
    private volatile byte[] served;
    private byte[] library;
    private byte[] archive;

    @BeforeEach
    void start() throws IOException {
        System.setProperty(WorkbenchFolders.PROPERTY, home.toString());
        library = new byte[200_000];
        new Random(11).nextBytes(library);
        archive = zip(Map.of("libtorch/lib/libtorch.so", library,
                "libtorch/build-version", "2.7.1+cu128\n".getBytes(StandardCharsets.UTF_8)));
        served = archive;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/libtorch/", ex -> {
            try (ex) {
                byte[] b = served;
                String range = ex.getRequestHeaders().getFirst("Range");
                long start = range == null ? 0 : Long.parseLong(range.replaceAll("bytes=(\\d+)-", "$1"));
                if (ex.getRequestMethod().equals("HEAD")) {
                    ex.getResponseHeaders().add("Content-Length", String.valueOf(b.length));
                    ex.sendResponseHeaders(200, -1);
                    return;
                }
                if (start > 0) {
                    ex.getResponseHeaders().add("Content-Range", "bytes " + start + "-" + (b.length - 1) + "/"
                            + b.length);
                    ex.sendResponseHeaders(206, b.length - start);
                } else {
                    ex.sendResponseHeaders(200, b.length);
                }
                ex.getResponseBody().write(b, (int) start, (int) (b.length - start));
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        System.clearProperty(WorkbenchFolders.PROPERTY);
        for (String k : GpuRuntimeSettings.KEYS) {
            System.clearProperty(k);
        }
    }

    private static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            for (var e : new java.util.TreeMap<>(entries).entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private LibtorchArchive standIn(String sha, long size) {
        return new LibtorchArchive("2.7.1", "cu128", "12.8", URI.create("http://127.0.0.1:"
                + server.getAddress().getPort() + "/libtorch/cu128/libtorch-stand-in%2Bcu128.zip"),
                "libtorch-stand-in+cu128.zip", sha, size);
    }

    private GpuRuntimeSetup.Result setUp(LibtorchArchive a) throws Exception {
        GpuRuntimeSetup task = new GpuRuntimeSetup(new HubClient(new HubEndpoint(URI.create("http://127.0.0.1:9"),
                Optional.empty(), ProxySelector.of(null))), a, WorkbenchFolders.runtime(),
                new RetryPolicy(2, Duration.ofMillis(5), Duration.ofMillis(5), Duration.ofSeconds(5)));
        task.run();
        try {
            return task.result().get();
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    @Test
    void downloadsVerifiesUnpacksAndRecordsTheRuntime() throws Exception {
        GpuRuntimeSetup.Result r = setUp(standIn(sha256(archive), archive.length));

        Path lib = home.resolve("runtime").resolve("libtorch-2.7.1-cu128").resolve("libtorch").resolve("lib");
        assertEquals(lib, r.libDir());
        assertArrayEquals(library, Files.readAllBytes(lib.resolve("libtorch.so")));
        assertEquals(sha256(archive), r.sha256());
        assertEquals(archive.length, r.archiveBytes());
        assertFalse(Files.exists(home.resolve("runtime/downloads/libtorch-stand-in+cu128.zip")), "archive deleted");

        Properties p = GpuRuntimeSettings.read().orElseThrow();
        assertEquals(lib.toString(), p.getProperty("PYTORCH_LIBRARY_PATH"));
        assertEquals("2.7.1", p.getProperty("PYTORCH_VERSION"));
        assertEquals("cu128", p.getProperty("PYTORCH_FLAVOR"));
        assertEquals(String.valueOf(archive.length), p.getProperty("archive.size"));

        String jna = System.getProperty("jna.library.path");
        try {
            assertEquals(List.of("PYTORCH_LIBRARY_PATH=" + lib, "PYTORCH_VERSION=2.7.1", "PYTORCH_FLAVOR=cu128"),
                    GpuRuntimeSettings.apply(Map.of()));
            assertEquals(lib.toString(), System.getProperty("PYTORCH_LIBRARY_PATH"));
            assertTrue(System.getProperty("jna.library.path").endsWith(lib.toString()));
        } finally {
            if (jna == null) {
                System.clearProperty("jna.library.path");
            } else {
                System.setProperty("jna.library.path", jna);
            }
        }
    }

    @Test
    void aLibraryTheUserChoseWins() throws Exception {
        setUp(standIn(sha256(archive), -1));
        assertEquals(List.of(), GpuRuntimeSettings.apply(Map.of("PYTORCH_LIBRARY_PATH", "/opt/libtorch/lib")));
        assertEquals(null, System.getProperty("PYTORCH_LIBRARY_PATH"));
    }

    @Test
    void aWrongChecksumUnpacksNothing() throws Exception {
        Exception e = assertThrows(Exception.class, () -> setUp(standIn("00".repeat(32), archive.length)));
        assertInstanceOf(ChecksumMismatchException.class, e);
        assertTrue(e.getMessage().contains("deleted"), e.getMessage());
        assertFalse(Files.exists(home.resolve("runtime/libtorch-2.7.1-cu128")));
        assertFalse(Files.exists(GpuRuntimeSettings.file()));
        assertEquals(List.of(), GpuRuntimeSettings.apply(Map.of()));
    }

    @Test
    void aSizeOtherThanTheRecordedOneIsRefused() {
        Exception e = assertThrows(Exception.class, () -> setUp(standIn(sha256(archive), archive.length + 1)));
        assertTrue(e.getMessage().contains("the published archive changed"), e.getMessage());
    }

    @Test
    void anEntryOutsideTheFolderIsRefused() throws Exception {
        served = zip(Map.of("libtorch/lib/libtorch.so", library, "../escape.txt", new byte[] {1}));
        Exception e = assertThrows(Exception.class, () -> setUp(standIn(sha256(served), served.length)));
        assertTrue(e.getMessage().contains("holds an entry outside its folder: ../escape.txt"), e.getMessage());
        assertFalse(Files.exists(home.resolve("runtime/escape.txt")));
        assertFalse(Files.exists(home.resolve("runtime/libtorch-2.7.1-cu128")));
    }

    @Test
    void anArchiveWithoutLibtorchIsNotARuntime() throws Exception {
        served = zip(Map.of("something/else.txt", new byte[] {1, 2}));
        Exception e = assertThrows(Exception.class, () -> setUp(standIn(sha256(served), served.length)));
        assertTrue(e.getMessage().endsWith("has no libtorch/lib/libtorch.so: it is not a libtorch archive"),
                e.getMessage());
        assertFalse(Files.exists(GpuRuntimeSettings.file()));
    }

    @Test
    void thePublishedArchiveIsRecorded() {
        LibtorchArchive a = LibtorchArchive.published();
        assertEquals("https://download.pytorch.org/libtorch/cu128/libtorch-cxx11-abi-shared-with-deps-2.7.1%2Bcu128.zip",
                a.url().toString());
        assertEquals("ae513b437ae99150744ef1d06b02a4ecbbb9275c9ffe540c88909623e3293041", a.sha256());
        assertEquals("libtorch-2.7.1-cu128", a.folderName());
        assertEquals(-1, a.size());
    }
}
