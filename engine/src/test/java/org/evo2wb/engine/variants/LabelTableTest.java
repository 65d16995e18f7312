package org.evo2wb.engine.variants;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading label tables: both forms, contig naming, NA, and every bad row named by file and line. */
class LabelTableTest {

    @TempDir
    Path tmp;

    private Path file(String name, String text) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void headerlessAndHeaderFormsMatchWithAndWithoutChr() throws IOException {
        LabelTable plain = LabelTable.read(file("plain.tsv", "# comment\n17\t41245466\tg\tA\t1\nchrM\t73\tA\tG\t0\n"
                + "chr17\t41245467\tA\tT\tNA\n\n"), null);
        assertEquals(3, plain.size());
        assertEquals(true, plain.label("chr17", 41245466, "G", "a"));
        assertEquals(false, plain.label("MT", 73, "a", "g"));
        assertNull(plain.label("17", 41245467, "A", "T"));
        assertTrue(plain.contains("17", 41245467, "A", "T"));
        assertFalse(plain.contains("17", 41245468, "A", "T"));

        LabelTable named = LabelTable.read(file("named.tsv", "gene\tREF\tALT\tPosition\tclass\t#CHROM\tlabel\n"
                + "BRCA1\tG\tA\t41245466\tLOF\t17\tLOF\nBRCA1\tC\tT\t41245470\tFUNC\t17\tFUNC\n"), "LOF");
        assertEquals(true, named.label("chr17", 41245466, "G", "A"));
        assertEquals(false, named.label("chr17", 41245470, "C", "T"));
    }

    @Test
    void badRowsNameFileAndLine() throws IOException {
        Path shortRow = file("short.tsv", "17\t100\tA\tG\t1\n17\t101\tA\tG\n");
        IOException e = assertThrows(IOException.class, () -> LabelTable.read(shortRow, null));
        assertEquals(shortRow + ":2: 4 fields; expected chrom, pos, ref, alt and label separated by tabs",
                e.getMessage());
        Path badPos = file("pos.tsv", "chrom\tpos\tref\talt\tlabel\n17\t1e5\tA\tG\t1\n");
        e = assertThrows(IOException.class, () -> LabelTable.read(badPos, null));
        assertEquals(badPos + ":2: pos '1e5' is not a 1-based position", e.getMessage());
        Path badBase = file("base.tsv", "17\t100\tA\t<DEL>\t1\n17\t100\tA1\tG\t1\n");
        e = assertThrows(IOException.class, () -> LabelTable.read(badBase, null));
        assertEquals(badBase + ":2: ref 'A1' is not a run of bases (A, C, G, T, N or IUPAC codes)", e.getMessage());
        Path badLabel = file("label.tsv", "17\t100\tA\tG\t1\n\n17\t101\tA\tG\tbenign\n");
        e = assertThrows(IOException.class, () -> LabelTable.read(badLabel, null));
        assertEquals(badLabel + ":3: label 'benign' is not 1 or 0; name the positive class value (--positive-label)",
                e.getMessage());
        Path twice = file("twice.tsv", "17\t100\tA\tG\t1\nchr17\t100\ta\tg\t0\n");
        e = assertThrows(IOException.class, () -> LabelTable.read(twice, null));
        assertEquals(twice + ":2: chr17:100 a>g is labelled 0 here and 1 on line 1", e.getMessage());
        Path noColumn = file("nocol.tsv", "chrom\tpos\tref\talt\tclass\n17\t100\tA\tG\t1\n");
        e = assertThrows(IOException.class, () -> LabelTable.read(noColumn, null));
        assertEquals(noColumn + ":1: no label column in the header (columns: chrom, pos, ref, alt, class); "
                + "expected chrom, pos, ref, alt, label", e.getMessage());
        Path empty = file("empty.tsv", "# nothing\n");
        e = assertThrows(IOException.class, () -> LabelTable.read(empty, null));
        assertTrue(e.getMessage().startsWith(empty + ": no labelled variants"), e.getMessage());
        e = assertThrows(IOException.class, () -> VariantScoring.Labels.parse("no such file.tsv", null));
        assertEquals("'no such file.tsv' is neither an existing label table nor an INFO key", e.getMessage());
    }
}
