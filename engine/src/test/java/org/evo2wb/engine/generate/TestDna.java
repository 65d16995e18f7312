package org.evo2wb.engine.generate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

/** Real DNA for the decoding tests: the genes of Yersinia pestis plasmid pPCP1 (NC_005816) from the test resources. */
final class TestDna {

    private TestDna() {
    }

    /** The first {@code n} bases of the concatenated gene records (upper case A, C, G, T only). */
    static String bases(int n) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (var in = TestDna.class.getResourceAsStream("/data/biopython_NC_005816.ffn.gz")) {
            if (in == null) {
                throw new IllegalStateException("missing test resource data/biopython_NC_005816.ffn.gz");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(in),
                    StandardCharsets.US_ASCII));
            for (String line = r.readLine(); line != null && sb.length() < n; line = r.readLine()) {
                if (!line.startsWith(">")) {
                    sb.append(line.trim().toUpperCase(java.util.Locale.ROOT));
                }
            }
        }
        if (sb.length() < n || !sb.chars().allMatch(c -> "ACGT".indexOf(c) >= 0)) {
            throw new IllegalStateException("expected " + n + " plain bases, got " + sb.length());
        }
        return sb.substring(0, n);
    }

    static int[] ids(String s) {
        return s.chars().toArray();
    }
}
