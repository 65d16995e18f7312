package org.evo2wb.engine.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.evo2wb.engine.checkpoint.CheckpointFile;
import org.evo2wb.engine.checkpoint.Checkpoints;
import org.evo2wb.engine.checkpoint.Half;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.Integrity;
import org.evo2wb.engine.checkpoint.PtWriter;
import org.evo2wb.engine.checkpoint.StorageType;
import org.evo2wb.engine.checkpoint.TensorInfo;
import org.evo2wb.engine.checkpoint.TorchCheckpoint;
import org.evo2wb.engine.model.CheckpointSummary;
import org.evo2wb.engine.model.Evo2Config;

/**
 * Benchmark command (not a test): how fast a checkpoint opens and streams, and how little heap it takes.
 *
 * <pre>
 *   evo2wb bench checkpoint read  &lt;file.pt | file.pt.part0 | file.safetensors&gt;
 *   evo2wb bench checkpoint synth &lt;preset&gt; &lt;out.pt&gt;
 * </pre>
 *
 * {@code read} opens the file, prints the summary, then widens every tensor to fp32 one at a time (what a loader
 * into fp16/fp32 does) and reports time, throughput and the heap high-water mark. {@code synth} writes a random
 * bf16 checkpoint with a preset's exact keys and shapes, streaming one tensor at a time. {@code crc} is
 * {@link #crcCost}.
 */
public final class CheckpointBenchmark {

    private CheckpointBenchmark() {}

    public static void read(Path file) throws IOException {
        long t0 = System.nanoTime();
        try (CheckpointFile f = Checkpoints.open(file)) {
            long t1 = System.nanoTime();
            System.out.println(CheckpointSummary.of(f));
            System.out.printf("open + parse: %.1f ms%n", (t1 - t0) / 1e6);
            long bytes = 0;
            long peakHeap = 0;
            double checksum = 0;
            for (String key : f.infos().keySet()) {
                HostTensor t = f.tensor(key);
                float[] v = t.toFloatArray();
                checksum += v.length > 0 ? v[v.length - 1] : 0;
                bytes += t.data().remaining();
                Runtime rt = Runtime.getRuntime();
                peakHeap = Math.max(peakHeap, rt.totalMemory() - rt.freeMemory());
            }
            double s = (System.nanoTime() - t1) / 1e9;
            System.out.printf("widened %d tensors, %.2f GB in %.1f s (%.2f GB/s), heap high-water %.0f MB, max heap "
                    + "%.0f MB, checksum %.6g%n", f.infos().size(), bytes / 1e9, s, bytes / 1e9 / s, peakHeap / 1e6,
                    Runtime.getRuntime().maxMemory() / 1e6, checksum);
        }
    }

    public static void synth(String preset, Path out) throws IOException {
        Evo2Config c = Evo2Config.preset(preset);
        Map<String, TensorInfo> layout = new LinkedHashMap<>();
        c.checkpointShapes(true).forEach((k, s) -> layout.put(k, new TensorInfo(
                k.endsWith("log_poles") || k.endsWith("residues") ? StorageType.F32 : StorageType.BF16, s)));
        SplittableRandom rnd = new SplittableRandom(7);
        long t0 = System.nanoTime();
        PtWriter.write(out, layout, key -> {
            TensorInfo info = layout.get(key);
            int n = Math.toIntExact(info.numel());
            ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(info.byteSize())).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                float x = (float) (rnd.nextDouble() * 0.04 - 0.02);
                if (info.type() == StorageType.F32) {
                    b.putFloat(x);
                } else {
                    b.putShort(Half.floatToBf16(x));
                }
            }
            return new HostTensor(info.type(), info.shape(), b.flip());
        });
        System.out.printf("wrote %s (%d tensors) in %.1f s%n", out, layout.size(), (System.nanoTime() - t0) / 1e9);
    }

    /** Read rates of one pass over a {@code .pt} file's storages, without and with the CRC-32 check. */
    public record CrcCost(String file, long bytes, List<Double> trustedMBps, List<Double> checkedMBps) {

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s: %.2f GB of storages; every tensor fetched and every byte read: "
                    + "trusted (no CRC-32) %s MB/s, checked (CRC-32) %s MB/s", file, bytes / 1e9, fmt(trustedMBps),
                    fmt(checkedMBps));
        }

        private static String fmt(List<Double> v) {
            return v.stream().map(x -> String.format(Locale.ROOT, "%.0f", x))
                    .collect(java.util.stream.Collectors.joining(" / "));
        }
    }

    /**
     * Reads every tensor of {@code file} and every byte of it ({@code rounds} times each way, alternating trusted
     * and checked so the page cache treats both alike), and reports megabytes per second.
     */
    public static CrcCost crcCost(Path file, int rounds) throws IOException {
        List<Double> trusted = new ArrayList<>();
        List<Double> checked = new ArrayList<>();
        long bytes = 0;
        long sink = 0;
        for (int r = 0; r < rounds; r++) {
            for (Integrity mode : Integrity.values()) {
                long t0 = System.nanoTime();
                long n = 0;
                try (TorchCheckpoint c = TorchCheckpoint.open(file, mode)) {
                    for (String key : c.entries().keySet()) {
                        ByteBuffer b = c.tensor(key).data();
                        n += b.remaining();
                        sink += readAll(b);
                    }
                }
                double mbps = n / 1e6 / ((System.nanoTime() - t0) / 1e9);
                (mode == Integrity.TRUSTED ? trusted : checked).add(mbps);
                bytes = n;
            }
        }
        if (sink == 42) {
            System.out.print("");
        }
        return new CrcCost(file.toString(), bytes, trusted, checked);
    }

    /** Reads every byte of {@code b} (eight at a time), as a loader converting the tensor would. */
    private static long readAll(ByteBuffer b) {
        ByteBuffer d = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long x = 0;
        int i = d.position();
        for (; i + 8 <= d.limit(); i += 8) {
            x ^= d.getLong(i);
        }
        for (; i < d.limit(); i++) {
            x ^= d.get(i);
        }
        return x;
    }
}
