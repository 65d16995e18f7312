package org.evo2wb.bio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class IupacTest {

    @Test
    void reverseComplementOfEveryCodeKeepsCase() {
        // pairs A-T C-G R-Y K-M B-V D-H; S W N self; read backwards
        assertEquals("NWSDHBVKMRYGCAT" + "nwsdhbvkmrygcat",
                Iupac.reverseComplement("atgcrykmbvdhswn" + "ATGCRYKMBVDHSWN"));
        assertEquals("NYacGT", Iupac.reverseComplement("ACgtRN"));
        assertEquals("AA", Iupac.reverseComplement("UU"));
    }

    @Test
    void reverseComplementTwiceIsIdentityOnAnyNucleotideText() {
        String all = "ACGTRYKMSWBDHVNacgtrykmswbdhvn";
        assertEquals(all, Iupac.reverseComplement(Iupac.reverseComplement(all)));
        byte[] b = all.getBytes(StandardCharsets.US_ASCII);
        byte[] rc = Iupac.reverseComplement(b, 0, b.length);
        assertEquals(Iupac.reverseComplement(all), new String(rc, StandardCharsets.US_ASCII));
        assertEquals("nb", new String(Iupac.reverseComplement(b, 28, 30), StandardCharsets.US_ASCII)); // of "vn"
    }

    @Test
    void classifiesLetters() {
        assertTrue(Iupac.isNucleotide('n'));
        assertTrue(Iupac.isAmbiguity('R'));
        assertFalse(Iupac.isAmbiguity('N'));
        assertFalse(Iupac.isNucleotide('E'));
        assertTrue(Iupac.isProteinOnly('E'));
        assertThrows(IllegalArgumentException.class, () -> Iupac.reverseComplement("AC-GT"));
    }
}
