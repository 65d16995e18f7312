package org.evo2wb.engine.score;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrackWritersTest {

    private static final float[] V = {Float.NaN, -1.5f, -0.25f, Float.NaN, -2f};

    @Test
    void bedGraphOfAWholeRecordEqualsTheScoreWritersOutput() throws Exception {
        SequenceScore s = new SequenceScore("chrT", "ACGTA", V, new float[5], 3, -3.75, Double.NaN);
        StringWriter a = new StringWriter();
        ScoreWriters.bedGraph(a, List.of(s), "lp");
        StringWriter b = new StringWriter();
        TrackWriters.bedGraph(b, "chrT", 0, V, "lp");
        assertEquals(a.toString(), b.toString());
    }

    @Test
    void offsetsAreZeroBasedInBedGraphAndOneBasedInWigAndCsv() throws Exception {
        StringWriter bed = new StringWriter();
        TrackWriters.bedGraph(bed, "c", 100, V, "t \"x\"");
        assertEquals("track type=bedGraph name=\"t 'x'\"\nc\t101\t102\t-1.500000\nc\t102\t103\t-0.250000\n"
                + "c\t104\t105\t-2.000000\n", bed.toString());
        StringWriter wig = new StringWriter();
        TrackWriters.wig(wig, "c", 100, V, "t");
        assertEquals("track type=wiggle_0 name=\"t\"\nfixedStep chrom=c start=102 step=1 span=1\n-1.500000\n"
                + "-0.250000\nfixedStep chrom=c start=105 step=1 span=1\n-2.000000\n", wig.toString());
        StringWriter csv = new StringWriter();
        TrackWriters.csv(csv, "c", 100, "ACGTA", List.of("logprob", "a,b"), List.of(V, new float[5]));
        assertEquals("chrom,position,base,logprob,\"a,b\"\nc,101,A,,0.000000\nc,102,C,-1.500000,0.000000\n"
                + "c,103,G,-0.250000,0.000000\nc,104,T,,0.000000\nc,105,A,-2.000000,0.000000\n", csv.toString());
    }
}
