package org.evo2wb.engine.train.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The metrics of a run as arrays, one entry per logged step (from {@code metrics.csv}); validation columns are NaN
 * on steps without an evaluation. For charts of past runs and for comparing runs.
 *
 * @param step            optimiser step
 * @param trainLoss       training loss (nats; NaN for a step whose targets were all masked)
 * @param validationLoss  validation loss (nats)
 * @param bitsPerBase     validation bits per base
 * @param learningRate    learning rate
 * @param gradNorm        global gradient norm before clipping
 * @param tokensPerSecond training throughput
 * @param memoryBytes     memory in use
 * @param elapsedSeconds  training time so far
 */
public record RunCurves(long[] step, double[] trainLoss, double[] validationLoss, double[] bitsPerBase,
                        double[] learningRate, double[] gradNorm, double[] tokensPerSecond, double[] memoryBytes,
                        double[] elapsedSeconds) {

    /** Reads the run folder's {@code metrics.csv} (empty curves when there is none yet). */
    public static RunCurves read(Path runFolder) throws IOException {
        Path file = new RunFolder(runFolder).metricsFile();
        List<Map<String, String>> rows = MetricsLog.read(file);
        int n = rows.size();
        long[] step = new long[n];
        double[][] cols = new double[8][n];
        String[] names = {"train_loss", "val_loss", "val_bits_per_base", "learning_rate", "grad_norm", "tokens_per_s",
                "memory_bytes", "elapsed_s"};
        for (int i = 0; i < n; i++) {
            Map<String, String> row = rows.get(i);
            try {
                step[i] = Long.parseLong(row.get("step"));
            } catch (NumberFormatException e) {
                throw new IOException(file + ": row " + (i + 2) + ": step '" + row.get("step") + "' is not a number");
            }
            for (int c = 0; c < names.length; c++) {
                cols[c][i] = number(row.get(names[c]), file, i + 2, names[c]);
            }
        }
        return new RunCurves(step, cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6], cols[7]);
    }

    private static double number(String text, Path file, int line, String column) throws IOException {
        if (text == null || text.isEmpty()) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IOException(file + ": line " + line + ", column " + column + ": '" + text
                    + "' is not a number");
        }
    }

    public int size() {
        return step.length;
    }

    /** Lowest validation loss, NaN without evaluations. */
    public double bestValidationLoss() {
        double best = Double.NaN;
        for (double v : validationLoss) {
            if (!Double.isNaN(v) && (Double.isNaN(best) || v < best)) {
                best = v;
            }
        }
        return best;
    }
}
