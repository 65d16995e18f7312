package org.evo2wb.app.ui.finetune;

import java.math.BigDecimal;
import java.math.MathContext;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.Locale;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.data.Range;

/**
 * A value axis whose tick labels read well at every scale: the automatic range spans at least 2 % of the values'
 * magnitude (one training step gives a single loss value, which would otherwise be stretched over ticks a millionth
 * apart, all labelled alike), and labels are plain decimals with at most five significant digits ({@code 1.345},
 * {@code 12,000}), or {@code 2.5e-4} for very small and very large values.
 */
final class ReadableAxis extends NumberAxis {

    /** The smallest automatic range, relative to the largest absolute value shown. */
    static final double MIN_RELATIVE_RANGE = 0.02;

    ReadableAxis(String label) {
        super(label);
        setAutoRangeIncludesZero(false);
        setNumberFormatOverride(new TickFormat());
    }

    @Override
    protected void autoAdjustRange() {
        super.autoAdjustRange();
        Range r = getRange();
        double magnitude = Math.max(Math.abs(r.getLowerBound()), Math.abs(r.getUpperBound()));
        double min = magnitude * MIN_RELATIVE_RANGE;
        if (magnitude > 0 && r.getLength() < min) {
            double centre = r.getCentralValue();
            setRange(new Range(centre - min / 2, centre + min / 2), false, false);
        }
    }

    /** Tick labels: plain decimals with at most five significant digits, scientific below 1e-3 and from 1e6. */
    static final class TickFormat extends NumberFormat {

        private final DecimalFormat scientific = new DecimalFormat("0.###E0", DecimalFormatSymbols.getInstance(
                Locale.ROOT));

        @Override
        public StringBuffer format(double v, StringBuffer to, FieldPosition pos) {
            return to.append(text(v));
        }

        @Override
        public StringBuffer format(long v, StringBuffer to, FieldPosition pos) {
            return to.append(text(v));
        }

        @Override
        public Number parse(String source, ParsePosition pos) {
            throw new UnsupportedOperationException("tick labels are not parsed");
        }

        String text(double v) {
            if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
                return v == 0 ? "0" : Double.toString(v);
            }
            double a = Math.abs(v);
            if (a < 1e-3 || a >= 1e6) {
                return scientific.format(v).replace("E", "e");
            }
            BigDecimal d = new BigDecimal(v).round(new MathContext(5)).stripTrailingZeros();
            String plain = d.toPlainString();
            if (a >= 1000 && !plain.contains(".")) {
                return String.format(Locale.ROOT, "%,d", d.longValueExact());
            }
            return plain;
        }
    }
}
