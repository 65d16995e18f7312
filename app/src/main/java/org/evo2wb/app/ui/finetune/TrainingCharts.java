package org.evo2wb.app.ui.finetune;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.RowConstraints;
import org.evo2wb.engine.train.EvalMetrics;
import org.evo2wb.engine.train.StepMetrics;
import org.evo2wb.engine.train.run.RunCurves;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The training charts: loss (training and validation), validation bits per base, learning rate, gradient norm,
 * tokens per second and memory against the step, each a JFreeChart in a {@link ChartViewer} (drag to zoom in, the
 * context menu zooms out). Live, one series per quantity is appended to in batches; in comparison, every run gets its
 * own series, in its own colour, on every chart.
 */
final class TrainingCharts {

    /** The charts, in grid order. */
    enum Metric {
        LOSS("Loss", "nats"),
        BITS("Validation bits per base", "bits/base"),
        LEARNING_RATE("Learning rate", ""),
        GRAD_NORM("Gradient norm", ""),
        SPEED("Throughput", "tokens/s"),
        MEMORY("Memory in use", "GB");

        final String title;
        final String unit;

        Metric(String title, String unit) {
            this.title = title;
            this.unit = unit;
        }
    }

    /** Most points a series keeps; beyond it every other point is dropped, so long runs stay quick to draw. */
    static final int MAX_POINTS = 4000;

    private static final Color[] RUN_COLOURS = {new Color(0x3b7dd8), new Color(0xd97706), new Color(0x2f9e6e),
        new Color(0xb42318), new Color(0x7c3aed), new Color(0x0e7490), new Color(0x6b7280)};
    private static final Font TITLE = new Font("SansSerif", Font.BOLD, 12);
    private static final Font TICKS = new Font("SansSerif", Font.PLAIN, 10);

    private final Map<Metric, XYSeriesCollection> data = new EnumMap<>(Metric.class);
    private final Map<Metric, JFreeChart> charts = new EnumMap<>(Metric.class);
    private final Map<Metric, ChartViewer> viewers = new EnumMap<>(Metric.class);
    private final GridPane grid = new GridPane();
    private final String idPrefix;

    /** @param idPrefix prefix of the viewers' node ids ({@code live} gives {@code #live-chart-loss}) */
    TrainingCharts(String idPrefix) {
        this.idPrefix = idPrefix;
        grid.setHgap(4);
        grid.setVgap(4);
        grid.setPadding(new Insets(2));
        int i = 0;
        for (Metric m : Metric.values()) {
            XYSeriesCollection c = new XYSeriesCollection();
            data.put(m, c);
            JFreeChart chart = chart(m, c);
            charts.put(m, chart);
            ChartViewer v = new ChartViewer(chart);
            v.setId(idPrefix + "-chart-" + m.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            v.setMinSize(120, 90);
            v.setPrefSize(300, 190);
            viewers.put(m, v);
            grid.add(v, i % 3, i / 3);
            i++;
        }
        for (int c = 0; c < 3; c++) {
            ColumnConstraints cc = new ColumnConstraints();
            cc.setPercentWidth(100.0 / 3);
            cc.setHgrow(Priority.ALWAYS);
            grid.getColumnConstraints().add(cc);
        }
        for (int r = 0; r < 2; r++) {
            RowConstraints rc = new RowConstraints();
            rc.setPercentHeight(50);
            rc.setVgrow(Priority.ALWAYS);
            grid.getRowConstraints().add(rc);
        }
    }

    private static JFreeChart chart(Metric m, XYSeriesCollection dataset) {
        NumberAxis x = new NumberAxis("step");
        x.setAutoRangeIncludesZero(false);
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        NumberAxis y = new ReadableAxis(m.unit);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        XYPlot plot = new XYPlot(dataset, x, y, r);
        style(plot);
        JFreeChart chart = new JFreeChart(null, TITLE, plot, m == Metric.LOSS);
        chart.setTitle(new TextTitle(m.title, TITLE));
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        if (chart.getLegend() != null) {
            chart.getLegend().setItemFont(TICKS);
        }
        return chart;
    }

    private static void style(XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        plot.setOutlineVisible(false);
        for (ValueAxis a : List.of(plot.getDomainAxis(), plot.getRangeAxis())) {
            a.setTickLabelFont(TICKS);
            a.setLabelFont(TICKS);
        }
    }

    Node node() {
        return grid;
    }

    ChartViewer viewer(Metric m) {
        return viewers.get(m);
    }

    JFreeChart chart(Metric m) {
        return charts.get(m);
    }

    /** Points over all series of a chart. */
    int points(Metric m) {
        int n = 0;
        for (Object s : data.get(m).getSeries()) {
            n += ((XYSeries) s).getItemCount();
        }
        return n;
    }

    /** Series names of a chart. */
    List<String> seriesNames(Metric m) {
        List<String> out = new ArrayList<>();
        for (Object s : data.get(m).getSeries()) {
            out.add(String.valueOf(((XYSeries) s).getKey()));
        }
        return out;
    }

    /** Removes every series. */
    void clear() {
        data.values().forEach(XYSeriesCollection::removeAllSeries);
    }

    /** Switches the loss axis between linear and logarithmic. */
    void logLoss(boolean log) {
        XYPlot plot = charts.get(Metric.LOSS).getXYPlot();
        ValueAxis axis = log ? new LogAxis("nats (log)") : new ReadableAxis("nats");
        axis.setTickLabelFont(TICKS);
        axis.setLabelFont(TICKS);
        plot.setRangeAxis(axis);
    }

    // ---- live ---------------------------------------------------------------------------------------------

    /** Starts live series for one run (clearing the charts unless {@code keep}). */
    void startLive(String trainName, boolean keep) {
        if (!keep) {
            clear();
        }
        if (data.get(Metric.LOSS).getSeriesCount() > 0) {
            return;
        }
        series(Metric.LOSS, "training", 0, false);
        series(Metric.LOSS, "validation", 1, true);
        series(Metric.BITS, "validation", 1, true);
        series(Metric.LEARNING_RATE, trainName, 0, false);
        series(Metric.GRAD_NORM, trainName, 0, false);
        series(Metric.SPEED, trainName, 0, false);
        series(Metric.MEMORY, trainName, 0, false);
    }

    private XYSeries series(Metric m, String name, int colour, boolean points) {
        XYSeries s = new XYSeries(name, true, false);
        XYSeriesCollection c = data.get(m);
        c.addSeries(s);
        XYLineAndShapeRenderer r = (XYLineAndShapeRenderer) charts.get(m).getXYPlot().getRenderer();
        int i = c.getSeriesCount() - 1;
        r.setSeriesPaint(i, RUN_COLOURS[colour % RUN_COLOURS.length]);
        r.setSeriesStroke(i, new BasicStroke(points ? 1.6f : 1.2f));
        r.setSeriesShapesVisible(i, points);
        return s;
    }

    /** Appends one drained batch to the live series: one redraw per chart, however many points. */
    void append(List<StepMetrics> steps, List<EvalMetrics> evaluations) {
        if (data.get(Metric.LOSS).getSeriesCount() == 0) {
            startLive("training", true);
        }
        if (steps.isEmpty() && evaluations.isEmpty()) {
            return;
        }
        quietly(() -> {
            XYSeries train = data.get(Metric.LOSS).getSeries(0);
            XYSeries val = data.get(Metric.LOSS).getSeries(1);
            XYSeries bits = data.get(Metric.BITS).getSeries(0);
            XYSeries lr = data.get(Metric.LEARNING_RATE).getSeries(0);
            XYSeries grad = data.get(Metric.GRAD_NORM).getSeries(0);
            XYSeries speed = data.get(Metric.SPEED).getSeries(0);
            XYSeries mem = data.get(Metric.MEMORY).getSeries(0);
            List<XYSeries> all = List.of(train, val, bits, lr, grad, speed, mem);
            all.forEach(s -> s.setNotify(false));
            for (StepMetrics m : steps) {
                add(train, m.step(), m.trainLoss());
                add(lr, m.step(), m.learningRate());
                add(grad, m.step(), m.gradNorm());
                add(speed, m.step(), m.tokensPerSecond());
                add(mem, m.step(), m.memoryBytes() < 0 ? Double.NaN : m.memoryBytes() / 1e9);
            }
            for (EvalMetrics e : evaluations) {
                add(val, e.step(), e.loss());
                add(bits, e.step(), e.bitsPerBase());
            }
            all.forEach(s -> {
                thin(s);
                s.setNotify(true);
            });
        });
    }

    /** Runs {@code change} with the charts quiet, then redraws each chart once. */
    private void quietly(Runnable change) {
        charts.values().forEach(c -> c.setNotify(false));
        try {
            change.run();
        } finally {
            charts.values().forEach(c -> c.setNotify(true));
        }
    }

    private static void add(XYSeries s, long x, double y) {
        if (Double.isFinite(y)) {
            s.addOrUpdate(x, y);
        }
    }

    /** Drops every other point once a series passes {@link #MAX_POINTS} (the newest point is kept). */
    private static void thin(XYSeries s) {
        if (s.getItemCount() <= MAX_POINTS) {
            return;
        }
        for (int i = s.getItemCount() - 2; i > 0; i -= 2) {
            s.remove(i);
        }
    }

    /** Shows the curves a run wrote before (a resumed run), as the start of the live series. */
    void appendCurves(RunCurves c) {
        List<StepMetrics> steps = new ArrayList<>();
        List<EvalMetrics> evals = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) {
            steps.add(new StepMetrics(c.step()[i], 0, 0, c.trainLoss()[i], c.learningRate()[i], c.gradNorm()[i],
                    c.tokensPerSecond()[i], 0, java.time.Duration.ZERO, java.time.Duration.ZERO,
                    Double.isNaN(c.memoryBytes()[i]) ? -1 : (long) c.memoryBytes()[i]));
            if (!Double.isNaN(c.validationLoss()[i])) {
                evals.add(new EvalMetrics(c.step()[i], c.validationLoss()[i], c.bitsPerBase()[i], Math.exp(
                        c.validationLoss()[i]), 0, false, Double.NaN, 0));
            }
        }
        append(steps, evals);
    }

    // ---- comparison ---------------------------------------------------------------------------------------

    /** Overlays several runs: each run's curves in its own colour (validation loss drawn with points). */
    void compare(List<String> names, List<RunCurves> curves) {
        quietly(() -> overlay(names, curves));
    }

    private void overlay(List<String> names, List<RunCurves> curves) {
        clear();
        for (int r = 0; r < names.size(); r++) {
            RunCurves c = curves.get(r);
            String n = names.get(r);
            XYSeries train = series(Metric.LOSS, n + " training", r, false);
            XYSeries val = series(Metric.LOSS, n + " validation", r, true);
            XYSeries bits = series(Metric.BITS, n, r, true);
            XYSeries lr = series(Metric.LEARNING_RATE, n, r, false);
            XYSeries grad = series(Metric.GRAD_NORM, n, r, false);
            XYSeries speed = series(Metric.SPEED, n, r, false);
            XYSeries mem = series(Metric.MEMORY, n, r, false);
            List<XYSeries> all = List.of(train, val, bits, lr, grad, speed, mem);
            all.forEach(s -> s.setNotify(false));
            for (int i = 0; i < c.size(); i++) {
                long x = c.step()[i];
                add(train, x, c.trainLoss()[i]);
                add(val, x, c.validationLoss()[i]);
                add(bits, x, c.bitsPerBase()[i]);
                add(lr, x, c.learningRate()[i]);
                add(grad, x, c.gradNorm()[i]);
                add(speed, x, c.tokensPerSecond()[i]);
                add(mem, x, c.memoryBytes()[i] / 1e9);
            }
            all.forEach(s -> {
                thin(s);
                s.setNotify(true);
            });
        }
    }
}
