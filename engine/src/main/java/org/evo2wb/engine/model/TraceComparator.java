package org.evo2wb.engine.model;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.evo2wb.engine.checkpoint.HostTensor;

/**
 * Debugging aid: runs a forward that records every named intermediate (see {@link Trace}) of batch row 0 and
 * compares them, in forward order, with a reference trace (e.g. {@code tiny_trace_bf16_cpu.pt}: name → (1, …)).
 * The first intermediate whose error exceeds the tolerance names the block and step where an implementation
 * departs from the reference; later ones inherit the error.
 *
 * <p>Metric per intermediate: the relative RMS error {@code ‖got − ref‖₂ / ‖ref‖₂}, which is independent of the
 * tensor's scale (logits of magnitude 40 and norms of magnitude 1 are judged alike). Against a bf16 reference the
 * floor is the bf16 rounding itself: one round-to-nearest of a value has relative error up to 2⁻⁹ ≈ 0.2 %
 * (RMS ≈ 0.11 %), and the reference rounds after every op, so errors accumulate along the stack.
 */
public final class TraceComparator {

    private TraceComparator() {
    }

    /** Comparison of one intermediate. */
    public record Row(String name, long[] shape, double relRms, double maxAbsDiff, double maxAbsRef,
                      boolean withinTolerance) {

        public String format() {
            return String.format(Locale.ROOT, "%-28s %-16s relRMS %.3e  max|d| %.3e  max|ref| %.3e  %s", name,
                    Arrays.toString(shape), relRms, maxAbsDiff, maxAbsRef, withinTolerance ? "ok" : "DIFFERS");
        }
    }

    /** All rows in forward order, the names missing on either side, and the tolerance used. */
    public record Report(List<Row> rows, List<String> missingInReference, List<String> missingInModel,
                         double tolerance) {

        /** The first intermediate (in forward order) beyond the tolerance. */
        public Optional<Row> firstDisagreement() {
            return rows.stream().filter(r -> !r.withinTolerance()).findFirst();
        }

        /** The largest relative RMS error over all rows. */
        public double maxRelRms() {
            return rows.stream().mapToDouble(Row::relRms).max().orElse(0);
        }

        public String format() {
            StringBuilder sb = new StringBuilder();
            rows.forEach(r -> sb.append(r.format()).append('\n'));
            if (!missingInReference.isEmpty()) {
                sb.append("not in reference: ").append(missingInReference).append('\n');
            }
            if (!missingInModel.isEmpty()) {
                sb.append("not produced by the model: ").append(missingInModel).append('\n');
            }
            sb.append(firstDisagreement().map(r -> "first disagreement: " + r.name())
                    .orElse(String.format(Locale.ROOT, "all %d intermediates within relRMS %.3g", rows.size(),
                            tolerance)));
            return sb.toString();
        }
    }

    /** One captured intermediate of batch row 0. */
    public record Captured(long[] shape, float[] values) {
    }

    /**
     * Runs {@code model} on {@code ids} (B, L) with grad mode off and returns every intermediate of row 0 in forward
     * order, with a leading axis of 1 as in the golden traces.
     */
    public static Map<String, Captured> capture(StripedHyena model, NDArray ids) {
        Map<String, Captured> out = new LinkedHashMap<>();
        try (GradMode g = GradMode.disabled()) {
            NDArray logits = model.forward(ids, (name, value) -> {
                NDArray row = value.get(0);
                long[] s = value.getShape().getShape().clone();
                s[0] = 1;
                // fp16-mixed keeps some intermediates inside a block in fp16
                out.put(name, new Captured(s, row.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray()));
                row.close();
            });
            logits.close();
        }
        return out;
    }

    /** Compares captured intermediates with a reference trace (name → tensor of the same shape). */
    public static Report compare(Map<String, Captured> got, Map<String, HostTensor> reference, double tolerance) {
        List<Row> rows = new ArrayList<>();
        List<String> missingInRef = new ArrayList<>();
        for (Map.Entry<String, Captured> e : got.entrySet()) {
            HostTensor ref = reference.get(e.getKey());
            if (ref == null) {
                missingInRef.add(e.getKey());
                continue;
            }
            if (!Arrays.equals(ref.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException("trace '" + e.getKey() + "': model shape "
                        + Arrays.toString(e.getValue().shape()) + ", reference shape " + Arrays.toString(ref.shape()));
            }
            rows.add(row(e.getKey(), e.getValue(), ref.toDoubleArray(), tolerance));
        }
        List<String> missingInModel = reference.keySet().stream().filter(k -> !got.containsKey(k)).toList();
        return new Report(rows, missingInRef, missingInModel, tolerance);
    }

    private static Row row(String name, Captured c, double[] ref, double tolerance) {
        double num = 0;
        double den = 0;
        double maxDiff = 0;
        double maxRef = 0;
        float[] v = c.values();
        for (int i = 0; i < ref.length; i++) {
            double d = v[i] - ref[i];
            num += d * d;
            den += ref[i] * ref[i];
            maxDiff = Math.max(maxDiff, Math.abs(d));
            maxRef = Math.max(maxRef, Math.abs(ref[i]));
        }
        double rel = den == 0 ? (num == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.sqrt(num / den);
        if (Double.isNaN(rel)) {
            rel = Double.POSITIVE_INFINITY;
        }
        return new Row(name, c.shape(), rel, maxDiff, maxRef, rel <= tolerance);
    }
}
