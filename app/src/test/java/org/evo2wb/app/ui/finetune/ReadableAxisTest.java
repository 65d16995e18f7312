package org.evo2wb.app.ui.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.junit.jupiter.api.Test;

class ReadableAxisTest {

    @Test
    void labelsArePlainWithFewDigitsOrScientificAtTheExtremes() {
        ReadableAxis.TickFormat f = new ReadableAxis.TickFormat();
        assertEquals("1.345", f.text(1.345));
        assertEquals("1.345", f.text(1.345021));
        assertEquals("1.345", f.text(1.3450001));
        assertEquals("0.25", f.text(0.25));
        assertEquals("12,000", f.text(12_000));
        assertEquals("2.5e-4", f.text(2.5e-4));
        assertEquals("0", f.text(0));
        assertEquals("-1.5", f.text(-1.5));
    }

    @Test
    void aSingleValueIsShownOnARangeOfAtLeastTwoPercentOfIt() {
        XYSeries s = new XYSeries("loss");
        s.add(1, 1.345021);
        NumberAxis y = new ReadableAxis("nats");
        new XYPlot(new XYSeriesCollection(s), new NumberAxis("step"), y, new XYLineAndShapeRenderer());
        y.configure();
        assertTrue(y.getRange().getLength() >= 0.02 * 1.345021 * 0.999, y.getRange().toString());
        assertTrue(y.getRange().contains(1.345021));
    }
}
