package org.evo2wb.engine.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.evo2wb.bio.Feature;
import org.evo2wb.bio.Location;
import org.evo2wb.bio.Strand;
import org.junit.jupiter.api.Test;

class FeatureScoresTest {

    private static Feature feature(String type, String gene, long[]... spans) {
        List<Location.Span> s = new java.util.ArrayList<>();
        for (long[] sp : spans) {
            s.add(new Location.Span(sp[0], sp[1], Strand.FORWARD, false, false));
        }
        return new Feature(type, new Location(s, Strand.FORWARD, false, "loc" + spans.length),
                Map.of("gene", List.of(gene)));
    }

    @Test
    void meansCountOnlyScoredExonBasesAndTheDeltaOfBasesBothModelsScored() throws Exception {
        // Scored stretch: record bases 11..20 (offset 10); base 11 has no score (no BOS).
        float[] a = {Float.NaN, -1, -2, -3, -4, -5, -6, -7, -8, -9};
        float[] b = {Float.NaN, -1.5f, -2, -3, -4, -5, -6, -7, -8, -10};
        List<Feature> f = List.of(
                feature("CDS", "joined", new long[] {11, 13}, new long[] {19, 25}),  // bases 12,13 and 19,20
                feature("gene", "outside", new long[] {1, 10}),                     // nothing scored: left out
                feature("misc_feature", "other", new long[] {11, 20}),              // not summarised
                feature("tRNA", "t", new long[] {14, 14}));
        List<FeatureScores.Row> rows = FeatureScores.of(f, 10, a, b);
        assertEquals(2, rows.size());
        FeatureScores.Row cds = rows.get(0);
        assertEquals("joined", cds.name());
        assertEquals(4, cds.bases());
        assertEquals((-1 - 2 - 8 - 9) / 4.0, cds.meanA(), 1e-12);
        assertEquals((-1.5 - 2 - 8 - 10) / 4.0, cds.meanB(), 1e-12);
        assertEquals((-0.5 + 0 + 0 - 1) / 4.0, cds.delta(), 1e-7);
        assertEquals(11, cds.start());
        assertEquals(25, cds.end());
        assertEquals(-3, rows.get(1).meanA(), 0);

        List<FeatureScores.Row> aOnly = FeatureScores.of(f, 10, a, null);
        assertTrue(Double.isNaN(aOnly.get(0).meanB()) && Double.isNaN(aOnly.get(0).delta()));

        StringWriter w = new StringWriter();
        FeatureScores.writeCsv(w, "r1", rows, "default", "run, 1");
        String[] lines = w.toString().split("\n");
        assertEquals("record,type,feature,location,start,end,scored_bases,mean_logprob_A (default),"
                + "mean_logprob_B \"(run, 1)\",mean_delta_B_minus_A", lines[0]);
        assertEquals("r1,CDS,joined,loc2,11,25,4,-5.000000,-5.375000,-0.375000", lines[1]);
        assertEquals(3, lines.length);
    }
}
