package org.evo2wb.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.evo2wb.app.models.FreshStartCheck;
import org.evo2wb.engine.hub.WorkbenchFolders;
import org.evo2wb.engine.runtime.GpuRuntimeSettings;
import org.evo2wb.engine.runtime.LibtorchArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code evo2wb gpu setup|status|reset} with the data folder in a temporary folder. */
class GpuCommandTest {

    @TempDir
    Path home;

    @BeforeEach
    void useTemporaryDataFolder() {
        System.setProperty(WorkbenchFolders.PROPERTY, home.toString());
    }

    @AfterEach
    void restore() {
        System.clearProperty(WorkbenchFolders.PROPERTY);
    }

    @Test
    void statusSaysNoRuntimeIsSetUp() {
        Cli.Run r = Cli.run("gpu", "status");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("GPU runtime: none set up (the bundled CPU engine is used)"), r.out());
    }

    @Test
    void setupRefusesAnArchiveWhoseChecksumDiffers() throws IOException {
        byte[] standIn = "not the libtorch archive".getBytes();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            try (ex) {
                if (ex.getRequestMethod().equals("HEAD")) {
                    ex.getResponseHeaders().add("Content-Length", String.valueOf(standIn.length));
                    ex.sendResponseHeaders(200, -1);
                } else {
                    ex.sendResponseHeaders(200, standIn.length);
                    ex.getResponseBody().write(standIn);
                }
            }
        });
        server.start();
        try {
            Cli.Run r = Cli.run("gpu", "setup", "--force", "--url",
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/libtorch.zip");
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.out().contains("(SHA-256 " + LibtorchArchive.published().sha256() + ")"), r.out());
            assertTrue(r.err().contains("is damaged: its SHA-256 is ") && r.err().contains("deleted"), r.err());
            assertFalse(Files.exists(GpuRuntimeSettings.file()));
            assertFalse(Files.exists(home.resolve("runtime").resolve(LibtorchArchive.published().folderName())));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void resetForgetsTheRuntime() throws IOException {
        Path lib = Files.createDirectories(home.resolve("runtime/libtorch-2.7.1-cu128/libtorch/lib"));
        GpuRuntimeSettings.write(lib, LibtorchArchive.published(), "ab", 1);
        assertTrue(Cli.run("gpu", "status").out().contains("GPU runtime: libtorch 2.7.1 cu128 in " + lib));

        Cli.Run r = Cli.run("gpu", "reset");
        assertEquals(0, r.exit(), r.toString());
        assertFalse(Files.exists(GpuRuntimeSettings.file()));
        assertTrue(Cli.run("gpu", "reset").out().contains("nothing changed"));
    }

    @Test
    void theFreshStartCheckRunsDevicesInANewProcess() throws IOException {
        FreshStartCheck.Result r = FreshStartCheck.run(Duration.ofMinutes(3));
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("\ncpu     CPU (") || r.output().startsWith("PyTorch"), r.output());
        assertTrue(r.output().contains("        check: passed"), r.output());
    }
}
