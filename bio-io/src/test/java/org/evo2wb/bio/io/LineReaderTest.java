package org.evo2wb.bio.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineReaderTest {

    private static LineReader reader(String text, int buffer) {
        return new LineReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), buffer, () -> { });
    }

    @Test
    void wholeLinesWithLineNumbersAcrossTinyBuffers() throws IOException {
        String text = "first line\r\n\nthird, which is rather long for the buffer\nlast without newline";
        for (int buffer : new int[] {4, 7, 64}) {
            LineReader r = reader(text, buffer);
            List<String> lines = new ArrayList<>();
            List<Long> numbers = new ArrayList<>();
            while (r.nextLine()) {
                lines.add(r.lineText());
                numbers.add(r.line());
            }
            assertEquals(List.of("first line", "", "third, which is rather long for the buffer",
                    "last without newline"), lines, "buffer " + buffer);
            assertEquals(List.of(1L, 2L, 3L, 4L), numbers);
        }
    }

    @Test
    void fragmentsOfALongLineAreMarkedAndReassemble() throws IOException {
        String longLine = "ACGT".repeat(10);
        LineReader r = reader(">h\r\n" + longLine + "\r\nTT\n", 8);
        StringBuilder seq = new StringBuilder();
        int fragments = 0;
        assertTrue(r.nextFragment());
        assertEquals(">h", r.restOfLine());
        while (r.nextFragment() && r.line() == 2) {
            fragments++;
            seq.append(new String(r.fragmentBytes(), r.fragmentStart(), r.fragmentEnd() - r.fragmentStart(),
                    StandardCharsets.US_ASCII));
            if (fragments == 1) {
                assertTrue(r.fragmentStartsLine());
            } else {
                assertFalse(r.fragmentStartsLine());
            }
        }
        assertEquals(longLine, seq.toString(), "no '\\r' and nothing lost at fragment edges");
        assertTrue(fragments > 1);
        assertEquals(3, r.line());
    }
}
