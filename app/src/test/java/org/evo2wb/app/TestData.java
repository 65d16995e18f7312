package org.evo2wb.app;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Paths of the sequence files under {@code src/test/resources/data}. */
public final class TestData {

    private TestData() {}

    public static Path file(String name) {
        try {
            var url = TestData.class.getResource("/data/" + name);
            if (url == null) {
                throw new IllegalArgumentException("no test file " + name);
            }
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Yersinia pestis plasmid pPCP1: 1 circular record, 9,609 bp, 41 features (MANIFEST). */
    public static Path pPCP1() {
        return file("biopython_NC_005816.gb.gz");
    }

    /** Six cor6.6 records, 2,819 bp, 38 features (MANIFEST). */
    public static Path cor66() {
        return file("biopython_cor6_6.gb.gz");
    }
}
