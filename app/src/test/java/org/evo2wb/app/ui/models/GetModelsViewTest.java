package org.evo2wb.app.ui.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.evo2wb.app.TestData;
import org.evo2wb.app.models.CatalogRow;
import org.evo2wb.app.ui.WorkbenchFixture;
import org.evo2wb.engine.hub.WorkbenchFolders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The Models view's Get models… window: the catalog, and a download from a Hub imitation on 127.0.0.1. */
@ExtendWith(ApplicationExtension.class)
class GetModelsViewTest {

    private final WorkbenchFixture fx = new WorkbenchFixture();
    private HttpServer hub;

    @TempDir
    Path home;

    @Start
    void start(Stage stage) {
        System.setProperty(WorkbenchFolders.PROPERTY, home.toString());
        fx.start(stage);
    }

    @AfterEach
    void stop() {
        fx.stop();
        if (hub != null) {
            hub.stop(0);
        }
        System.clearProperty("HF_ENDPOINT");
        System.clearProperty(WorkbenchFolders.PROPERTY);
    }

    /** Serves the repository test/tiny (the golden tiny checkpoint and its YAML) as the Hub does. */
    private void serve(Map<String, byte[]> files) throws IOException {
        hub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String base = "http://127.0.0.1:";
        hub.createContext("/", ex -> {
            try (ex) {
                String path = ex.getRequestURI().getPath();
                if (path.equals("/api/models/test/tiny/tree/main")) {
                    StringBuilder json = new StringBuilder("[");
                    for (var e : files.entrySet()) {
                        json.append(json.length() > 1 ? "," : "").append("{\"type\":\"file\",\"path\":\"")
                                .append(e.getKey()).append("\",\"size\":").append(e.getValue().length)
                                .append(",\"oid\":\"x\",\"lfs\":{\"oid\":\"").append(sha256(e.getValue()))
                                .append("\",\"size\":").append(e.getValue().length).append("}}");
                    }
                    byte[] body = json.append(']').toString().getBytes(StandardCharsets.UTF_8);
                    ex.sendResponseHeaders(200, body.length);
                    ex.getResponseBody().write(body);
                    return;
                }
                String prefix = "/test/tiny/resolve/main/";
                String file = path.startsWith(prefix) ? path.substring(prefix.length()) : "";
                if (files.containsKey(file)) {
                    byte[] b = files.get(file);
                    ex.getResponseHeaders().add("X-Linked-Etag", "\"" + sha256(b) + "\"");
                    ex.getResponseHeaders().add("X-Linked-Size", String.valueOf(b.length));
                    ex.getResponseHeaders().add("Location", base + hub.getAddress().getPort() + "/storage/" + file);
                    ex.sendResponseHeaders(302, -1);
                } else if (path.startsWith("/storage/") && files.containsKey(path.substring(9))) {
                    byte[] b = files.get(path.substring(9));
                    ex.sendResponseHeaders(200, b.length);
                    ex.getResponseBody().write(b);
                } else {
                    ex.sendResponseHeaders(404, -1);
                }
            }
        });
        hub.start();
        System.setProperty("HF_ENDPOINT", base + hub.getAddress().getPort());
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void listsTheCatalogAndADownloadedModelJoinsTheModelFiles(FxRobot robot) throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("tiny.pt", Files.readAllBytes(TestData.tinyCheckpoint()));
        files.put("tiny.yml", Files.readAllBytes(TestData.tinyCheckpoint().resolveSibling("tiny.yml")));
        serve(files);

        WaitForAsyncUtils.asyncFx(() -> fx.workbench.show("Models"));
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn("#get-models-button");
        WaitForAsyncUtils.waitForFxEvents();
        TableView<CatalogRow> table = robot.lookup("#catalog-table").queryAs(TableView.class);
        assertEquals(7, table.getItems().size());
        assertEquals("arcinstitute/evo2_7b", table.getItems().get(0).entry().repo());

        GetModelsController c = fx.workbench.models().getModels();
        WaitForAsyncUtils.asyncFx(() -> c.download("test/tiny"));
        Path weights = home.resolve("models").resolve("tiny").resolve("tiny.pt");
        WorkbenchFixture.waitUntil(() -> fx.workbench.models().model().inspectionProperty().get() != null
                && fx.workbench.models().model().inspectionProperty().get().source().weights().equals(weights));

        assertArrayEquals(files.get("tiny.pt"), Files.readAllBytes(weights));
        assertTrue(c.downloads().get(0).text().startsWith("test/tiny: done: " + weights.getParent()),
                c.downloads().get(0).text());
        assertEquals("tiny.yml next to the weights", fx.workbench.models().model().inspectionProperty().get()
                .configOrigin());
        assertTrue(fx.dialogs.errors().isEmpty(), () -> "unexpected dialogs: " + fx.dialogs.errors());
    }
}
