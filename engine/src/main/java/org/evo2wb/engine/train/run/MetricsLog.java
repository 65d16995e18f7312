package org.evo2wb.engine.train.run;

import org.evo2wb.engine.io.AtomicFiles;
import org.evo2wb.engine.io.OutputFiles;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code metrics.csv}: one row per optimiser step, appended and flushed as the run goes. Validation columns are
 * empty on steps without an evaluation. A crash can leave at most a partial last line, which {@link #read} ignores;
 * a resumed run first cuts the file back to its checkpoint's step with {@link #truncateAfter}.
 */
public final class MetricsLog implements AutoCloseable {

    public static final List<String> COLUMNS = List.of("step", "epoch", "tokens", "train_loss", "learning_rate",
            "grad_norm", "tokens_per_s", "elapsed_s", "memory_bytes", "val_loss", "val_bits_per_base",
            "val_perplexity");

    private final Path file;
    private Writer out;
    private boolean failed;

    public MetricsLog(Path file) {
        this.file = file;
    }

    /** Opens for appending, writing the header to a new file. */
    public void open() throws IOException {
        boolean fresh = !Files.exists(file) || Files.size(file) == 0;
        try {
            out = new java.io.BufferedWriter(OutputFiles.newAppendingWriter(file));
            if (fresh) {
                out.write(String.join(",", COLUMNS) + "\n");
                out.flush();
            }
        } catch (IOException e) {
            throw OutputFiles.isWriteFailure(e) ? OutputFiles.failure(file, e) : e;
        }
    }

    /** Appends one row; values in {@link #COLUMNS} order, null for an empty cell. */
    public void append(List<Object> values) throws IOException {
        if (values.size() != COLUMNS.size()) {
            throw new IllegalArgumentException("metrics row needs " + COLUMNS.size() + " values");
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            Object v = values.get(i);
            if (v != null && !(v instanceof Double d && Double.isNaN(d))) {
                b.append(v);
            }
        }
        try {
            out.write(b.append('\n').toString());
            out.flush();
        } catch (IOException e) {
            // a row cut short by a full disk is not a complete row: read() skips it
            failed = true;
            throw OutputFiles.isWriteFailure(e) ? OutputFiles.failure(file, e) : e;
        }
    }

    /** Complete rows, each as column → text (empty cells as ""). */
    public static List<Map<String, String>> read(Path file) throws IOException {
        List<Map<String, String>> rows = new ArrayList<>();
        if (!Files.exists(file)) {
            return rows;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        // the last element is "" after a final newline, or a partial line after a crash: skip it either way
        for (int i = 1; i < lines.length - 1; i++) {
            String[] cells = lines[i].split(",", -1);
            if (cells.length != COLUMNS.size()) {
                continue;
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int c = 0; c < cells.length; c++) {
                row.put(COLUMNS.get(c), cells[c]);
            }
            rows.add(row);
        }
        return rows;
    }

    /** Rewrites the file (atomically) with the complete rows of steps ≤ {@code step}. */
    public static void truncateAfter(Path file, long step) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        StringBuilder b = new StringBuilder(String.join(",", COLUMNS)).append('\n');
        for (Map<String, String> row : read(file)) {
            if (Long.parseLong(row.get("step")) <= step) {
                b.append(String.join(",", row.values())).append('\n');
            }
        }
        AtomicFiles.writeString(file, b.toString());
    }

    @Override
    public void close() throws IOException {
        if (out != null) {
            Writer w = out;
            out = null;
            try {
                w.close();
            } catch (IOException e) {
                if (!failed) {   // after a failed row the rest of the buffer cannot go either; that was told
                    throw OutputFiles.isWriteFailure(e) ? OutputFiles.failure(file, e) : e;
                }
            }
        }
    }
}
