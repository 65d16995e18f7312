package org.evo2wb.bio.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The byte tokenizer against the values of the Evo 2 contract (spec section 2). */
class Evo2TokenizerTest {

    @Test
    void basesAreTheirAsciiBytesCaseSensitive() {
        assertArrayEquals(new int[] {65, 67, 71, 84, 97, 99, 103, 116, 78}, Evo2Tokenizer.encode("ACGTacgtN"));
        assertArrayEquals(new int[] {0xC3, 0xA9}, Evo2Tokenizer.encode("\u00e9")); // UTF-8, two bytes
    }

    @Test
    void modelInputIdsAreTheSameBytesWithAnOptionalBos() {
        assertArrayEquals(new long[] {65, 67, 71, 84, 97, 110}, Evo2Tokenizer.encodeLongs("ACGTan", false));
        assertArrayEquals(new long[] {0, 65, 67, 71, 84}, Evo2Tokenizer.encodeLongs("ACGT", true));
        assertArrayEquals(new long[] {0}, Evo2Tokenizer.encodeLongs("", true));
        assertArrayEquals(new long[] {0xC3, 0xA9}, Evo2Tokenizer.encodeLongs("\u00e9", false));
        int[] asInts = Evo2Tokenizer.encode("GATTACAnN");
        long[] asLongs = Evo2Tokenizer.encodeLongs("GATTACAnN", false);
        for (int i = 0; i < asInts.length; i++) {
            assertEquals(asInts[i], asLongs[i]);
        }
    }

    @Test
    void specialIds() {
        assertEquals(0, Evo2Tokenizer.EOS_ID);
        assertEquals(1, Evo2Tokenizer.PAD_ID);
        assertEquals(0, Evo2Tokenizer.BOS_ID);
        assertEquals(512, Evo2Tokenizer.VOCAB_SIZE);
        byte[] b = "xACGTx".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(new int[] {0, 65, 67, 71, 84, 0}, Evo2Tokenizer.encode(b, 1, 5, true, true));
        assertArrayEquals(new int[] {65, 67}, Evo2Tokenizer.encode(b, 1, 3, false, false));
    }

    @Test
    void decodeClampsLikeVortex() {
        assertEquals("  ACgt" + (char) 300 + (char) 512, Evo2Tokenizer.decode(new int[] {0, 1, 65, 67, 103, 116, 300,
                700}));
    }
}
