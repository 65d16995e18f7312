package org.evo2wb.bio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GeneticCodeTest {

    @Test
    void standardTableHasTheKnownAssignments() {
        GeneticCode g = GeneticCode.STANDARD;
        assertEquals('M', g.translate("ATG"));
        assertEquals('W', g.translate("TGG"));
        assertEquals('*', g.translate("TAA"));
        assertEquals('*', g.translate("tag"));
        assertEquals('*', g.translate("UGA"));
        assertEquals('F', g.translate("TTT"));
        assertEquals('G', g.translate("GGG"));
        assertEquals('K', g.translate("AAA"));
        assertEquals('P', g.translate("CCC"));
        assertEquals('X', g.translate("ANG"));
        // 61 sense codons coding 20 amino acids, 3 stops.
        StringBuilder all = new StringBuilder();
        String b = "ACGT";
        for (char x : b.toCharArray()) {
            for (char y : b.toCharArray()) {
                for (char z : b.toCharArray()) {
                    all.append(g.translate(x, y, z));
                }
            }
        }
        assertEquals(3, all.chars().filter(c -> c == '*').count());
        assertEquals(21, all.chars().distinct().count());
        assertEquals(6, all.chars().filter(c -> c == 'L').count());
        assertEquals(1, all.chars().filter(c -> c == 'M').count());
    }

    @Test
    void tablesOneAndElevenAreServedOthersAreNot() {
        assertTrue(GeneticCode.forTable(1).isPresent());
        assertEquals(GeneticCode.STANDARD, GeneticCode.forTable(11).orElseThrow());
        assertTrue(GeneticCode.forTable(2).isEmpty());
    }
}
