package org.evo2wb.engine.bench;

import ai.djl.Device;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.evo2wb.engine.io.AtomicFiles;

/**
 * One measurement as a row of a benchmark file ({@code --record FILE} of {@code bench forward} and {@code bench
 * train}): a JSON array with one object per measurement, as {@code docs/benchmarks/gpu.json} keeps them:
 * <pre>
 *   {"run": "forward|lora|full", "preset": "evo2-7b-8k", "window": 8192, "batch": 1, "precision": "fp16",
 *    "checkpointing": true, "tokens_per_s": 9173, "peak_gib": 66.74, "card": "NVIDIA H100 80GB HBM3",
 *    "date": "2026-12-08", "note": "..."}
 * </pre>
 * The peak is what the driver reports in use on the GPU while the run ran ({@link DeviceMemoryPeak}; the CUDA context
 * and any other process on the card included), on the CPU the process's peak resident memory. A row is added to the
 * file's rows (the file is made when missing) and the file replaced whole, so a failed write leaves it as it was.
 */
public record BenchRecord(String run, String preset, int window, int batch, String precision, boolean checkpointing,
                          long tokensPerSecond, double peakGib, String card, String date, String note) {

    /** Figures of a run on {@code device} today, its card named as the driver names it. */
    public static BenchRecord of(String run, String preset, int window, int batch, String precision,
                                 boolean checkpointing, double tokensPerSecond, long peakBytes, Device device,
                                 String note) {
        return new BenchRecord(run, preset, window, batch, precision.toLowerCase(Locale.ROOT), checkpointing,
                Math.round(tokensPerSecond), Math.round(peakBytes / 1073741824.0 * 100) / 100.0, card(device),
                LocalDate.now(ZoneOffset.UTC).toString(), note);
    }

    /** The row as one JSON object, its fields in the order above. */
    public JsonObject json() {
        JsonObject o = new JsonObject();
        o.addProperty("run", run);
        o.addProperty("preset", preset);
        o.addProperty("window", window);
        o.addProperty("batch", batch);
        o.addProperty("precision", precision);
        o.addProperty("checkpointing", checkpointing);
        o.addProperty("tokens_per_s", tokensPerSecond);
        o.addProperty("peak_gib", peakGib);
        o.addProperty("card", card);
        o.addProperty("date", date);
        if (note != null && !note.isBlank()) {
            o.addProperty("note", note);
        }
        return o;
    }

    /**
     * Adds this row to {@code file}: one row per line, as the project's own file keeps them.
     *
     * @throws IOException when the file is not a JSON array (nothing is written; the message names it) or cannot be
     *     written
     */
    public void appendTo(Path file) throws IOException {
        List<JsonElement> rows = new ArrayList<>();
        if (Files.exists(file)) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            if (!text.isBlank()) {
                JsonElement e;
                try {
                    e = JsonParser.parseString(text);
                } catch (JsonParseException ex) {
                    throw new IOException(file + " is not a JSON array of benchmark rows (" + ex.getMessage()
                            + "); the row was not added");
                }
                if (!e.isJsonArray()) {
                    throw new IOException(file + " is not a JSON array of benchmark rows but a JSON "
                            + (e.isJsonObject() ? "object" : "value") + "; the row was not added");
                }
                JsonArray a = e.getAsJsonArray();
                a.forEach(rows::add);
            }
        }
        rows.add(json());
        StringBuilder sb = new StringBuilder("[\n");
        for (int i = 0; i < rows.size(); i++) {
            sb.append("  ").append(line(rows.get(i))).append(i + 1 < rows.size() ? ",\n" : "\n");
        }
        sb.append("]\n");
        AtomicFiles.writeText(file, w -> w.write(sb.toString()));
    }

    /** A row on one line: {@code {"key": value, ...}} (other JSON as Gson writes it). */
    private static String line(JsonElement row) {
        Gson gson = new com.google.gson.GsonBuilder().disableHtmlEscaping().create();
        if (!row.isJsonObject()) {
            return gson.toJson(row);
        }
        StringBuilder sb = new StringBuilder("{");
        row.getAsJsonObject().entrySet().forEach(e -> sb.append(sb.length() > 1 ? ", " : "")
                .append(gson.toJson(e.getKey())).append(": ").append(gson.toJson(e.getValue())));
        return sb.append('}').toString();
    }

    /**
     * The card's name: a GPU's as {@code nvidia-smi} gives it ("NVIDIA H100 80GB HBM3"; "GPU 0" where it cannot
     * say), the CPU's model from {@code /proc/cpuinfo} with the cores this process may use.
     */
    static String card(Device device) {
        if (device.isGpu()) {
            String name = nvidiaSmiName(device.getDeviceId());
            return name != null ? name : "GPU " + device.getDeviceId();
        }
        String model = "CPU";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the word CPU and the core count
        }
        return model + " (" + Runtime.getRuntime().availableProcessors() + " cores)";
    }

    private static String nvidiaSmiName(int index) {
        try {
            Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=name", "--format=csv,noheader", "-i",
                    String.valueOf(index)).redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.exitValue() == 0 && !out.isEmpty() && !out.contains("\n") ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
