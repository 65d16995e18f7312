package org.evo2wb.bio.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.evo2wb.bio.Strand;
import org.evo2wb.bio.io.LocationParser.RawSpan;
import org.junit.jupiter.api.Test;

class LocationParserTest {

    private static List<RawSpan> spans(String text) throws Exception {
        return LocationParser.parse(text).spans();
    }

    private static RawSpan fwd(long s, long e) {
        return new RawSpan(s, e, Strand.FORWARD, false, false, null);
    }

    private static RawSpan rev(long s, long e) {
        return new RawSpan(s, e, Strand.REVERSE, false, false, null);
    }

    @Test
    void simpleForms() throws Exception {
        assertEquals(List.of(fwd(1, 200)), spans("1..200"));
        assertEquals(List.of(fwd(467, 467)), spans("467"));
        assertEquals(List.of(rev(3300, 4037)), spans("complement(3300..4037)"));
        assertEquals(List.of(new RawSpan(102, 110, Strand.FORWARD, true, true, null)), spans("102.110"));
        assertEquals(List.of(new RawSpan(123, 124, Strand.FORWARD, true, true, null)), spans("123^124"));
    }

    @Test
    void fuzzyEndsAndOneOf() throws Exception {
        assertEquals(List.of(new RawSpan(1, 888, Strand.FORWARD, true, false, null)), spans("<1..888"));
        assertEquals(List.of(new RawSpan(1, 888, Strand.FORWARD, false, true, null)), spans("1..>888"));
        assertEquals(List.of(new RawSpan(148061, 148261, Strand.REVERSE, true, true, null)),
                spans("complement(<148061..>148261)"));
        assertEquals(List.of(new RawSpan(1888, 2200, Strand.FORWARD, true, false, null)),
                spans("one-of(1888,1901)..2200"));
        assertEquals(List.of(new RawSpan(10, 40, Strand.FORWARD, true, true, null)), spans("(10.12)..(30.40)"));
    }

    @Test
    void complementOfJoinReversesAndJoinOfComplementsKeepsWrittenOrder() throws Exception {
        assertEquals(List.of(rev(30, 40), rev(10, 20)), spans("complement(join(10..20,30..40))"));
        assertEquals(List.of(rev(30, 40), rev(10, 20)), spans("join(complement(30..40),complement(10..20))"));
        assertEquals(List.of(fwd(1, 5), rev(8, 9)), spans("join(1..5,complement(8..9))"));
    }

    @Test
    void orderIsFlaggedAndWrappedTextIsJoined() throws Exception {
        LocationParser.RawLocation order = LocationParser.parse("order(1436..1459,\n 1619..1621)");
        assertTrue(order.order());
        assertEquals(List.of(fwd(1436, 1459), fwd(1619, 1621)), order.spans());
        assertFalse(LocationParser.parse("join(1..2,5..6)").order());
    }

    @Test
    void remotePartsCarryTheirAccession() throws Exception {
        assertEquals(List.of(fwd(2201, 2479), new RawSpan(120, 246, Strand.FORWARD, false, false, "U18267.1"),
                new RawSpan(82, 128, Strand.REVERSE, false, true, "U18269.1")),
                spans("join(2201..2479,U18267.1:120..246,complement(U18269.1:82..>128))"));
    }

    @Test
    void wrapIsReturnedAsWritten() throws Exception {
        assertEquals(List.of(fwd(8569, 276)), spans("8569..276"));
    }

    @Test
    void badLocationsSayWhatIsWrong() {
        assertMessage("complement(-2..492)", "negative position -2");
        assertMessage("0..5", "position 0");
        assertMessage("join(1..5,", "ends where a base position was expected");
        assertMessage("join(1..5", "expected ')'");
        assertMessage("1..5)", "unexpected ')'");
        assertMessage("bond(12,45)", "bond(");
        assertMessage("", "empty location");
        assertMessage("1..x", "found 'x'");
    }

    private static void assertMessage(String location, String part) {
        LocationParser.LocationException e = assertThrows(LocationParser.LocationException.class,
                () -> LocationParser.parse(location));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
