package org.evo2wb.bio;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Paths of the fixture files under {@code src/test/resources/data}. */
public final class TestData {

    private TestData() {}

    /** Fails unless {@code message} contains every part. */
    public static void assertMentions(String message, String... parts) {
        for (String part : parts) {
            if (!message.contains(part)) {
                throw new AssertionError("'" + part + "' missing from: " + message);
            }
        }
    }

    /** {@code TestData.path("genbank/biopython_NC_005816.gb.gz")} */
    public static Path path(String relative) {
        URL url = TestData.class.getResource("/data/" + relative);
        if (url == null) {
            throw new IllegalArgumentException("no test fixture data/" + relative);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
