package org.evo2wb.engine.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.TorchCheckpoint;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.model.GradMode;
import org.evo2wb.engine.model.ModelArchitecture;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.StripedHyena;

/**
 * Checks an install against the golden tensors of the tiny Evo 2 model on any device: fp32 logits and per-base
 * log-probabilities against the float64 reference, and the gradient of the mean next-token cross-entropy against
 * float64 autograd, per checkpoint tensor (relative L2 error). This is how a GPU install is verified, since the unit
 * tests run on the CPU. In another precision (TF32, fp16-mixed) the same figures show what it costs, and
 * {@link #spread} compares its per-base log-probabilities with fp32 on the CPU.
 *
 * <p>The folder must hold {@code tiny.pt}, {@code tiny.yml}, {@code tiny_ids.pt}, {@code tiny_ref_f64.pt} and
 * {@code tiny_grads_f64.pt} (the engine's test resources {@code golden/}).
 */
public final class GoldenParity {

    /** Max absolute logit and log-prob errors, the reference loss and ours, and per-tensor gradient errors. */
    public record Report(double maxLogitError, double maxLogProbError, double refLoss, double loss,
                         Map<String, Double> gradientErrors) {

        public double maxGradientError() {
            return gradientErrors.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        }

        public String format() {
            return String.format(Locale.ROOT, "max |Δ logit| %.3g, max |Δ log-prob| %.3g, loss %.6f (ref %.6f), "
                    + "max gradient relative error %.3g over %d tensors", maxLogitError, maxLogProbError, loss,
                    refLoss, maxGradientError(), gradientErrors.size());
        }
    }

    private GoldenParity() {}

    /** The report for fp32 on {@code device}. */
    public static Report run(Path dir, Device device) throws IOException {
        return run(dir, device, Precision.FP32);
    }

    /** The report for {@code precision} on {@code device}. */
    public static Report run(Path dir, Device device, Precision precision) throws IOException {
        Map<String, HostTensor> ref = TorchCheckpoint.readTensors(dir.resolve("tiny_ref_f64.pt"));
        Map<String, HostTensor> refGrads = TorchCheckpoint.readTensors(dir.resolve("tiny_grads_f64.pt"));
        HostTensor ids = ids(dir);
        try (StripedHyena model = golden(dir, device, precision);
             NDManager m = NDManager.newBaseManager(device)) {
            NDArray tok = m.create(ids.toLongArray(), new Shape(ids.shape()));
            double maxLogit;
            double maxLp;
            try (GradMode g = GradMode.disabled(); NDManager step = m.newSubManager()) {
                NDArray logits = model.forward(tok);
                step.tempAttachAll(logits);
                maxLogit = maxAbsDiff(ref.get("logits_f64").toDoubleArray(), logits.toFloatArray());
                maxLp = maxAbsDiff(ref.get("per_base_logprob_f64").toDoubleArray(), perBase(logits, tok));
            }
            model.setTrainable(true);
            double loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logits = model.forward(tok);
                NDArray l = logits.logSoftmax(-1).get(":, :-1, :").gather(tok.get(":, 1:").expandDims(-1), 2)
                        .mean().neg();
                loss = l.getFloat();
                gc.backward(l);
            }
            Map<String, Double> errors = new TreeMap<>();
            Map<String, NDArray> params = model.parameters();
            for (Map.Entry<String, HostTensor> e : refGrads.entrySet()) {
                NDArray p = params.get(e.getKey());
                if (p == null) {
                    throw new IllegalStateException("the model has no tensor " + e.getKey());
                }
                errors.put(e.getKey(), relativeError(e.getValue().toDoubleArray(), p.getGradient().toFloatArray()));
            }
            model.setTrainable(false);
            return new Report(maxLogit, maxLp, ref.get("loss_f64").toDoubleArray()[0], loss, errors);
        }
    }

    /**
     * The golden model's per-base log-probabilities of the golden ids in {@code precision} on {@code device}, against
     * fp32 on the CPU.
     */
    public static PrecisionSpread spread(Path dir, Device device, Precision precision) throws IOException {
        HostTensor ids = ids(dir);
        return PrecisionSpread.of(perBase(dir, ids, Device.cpu(), Precision.FP32),
                perBase(dir, ids, device, precision));
    }

    private static float[] perBase(Path dir, HostTensor ids, Device device, Precision precision) throws IOException {
        try (StripedHyena model = golden(dir, device, precision);
             NDManager m = NDManager.newBaseManager(device);
             GradMode g = GradMode.disabled()) {
            NDArray tok = m.create(ids.toLongArray(), new Shape(ids.shape()));
            return perBase(model.forward(tok), tok);
        }
    }

    /** log P(x[t] | x[<t]) for t = 1..L-1 of every row, flattened. */
    private static float[] perBase(NDArray logits, NDArray tok) {
        return logits.logSoftmax(-1).get(":, :-1, :").gather(tok.get(":, 1:").expandDims(-1), 2).toFloatArray();
    }

    private static HostTensor ids(Path dir) throws IOException {
        try (TorchCheckpoint c = TorchCheckpoint.open(dir.resolve("tiny_ids.pt"))) {
            return c.singleTensor();
        }
    }

    private static StripedHyena golden(Path dir, Device device, Precision precision) throws IOException {
        ModelArchitecture arch = ModelArchitecture.of(Evo2Config.load(dir.resolve("tiny.yml")));
        // fp32 masters: the parity check compares the gradients of every tensor, the linear weights' included
        return StripedHyena.fromTensors("tiny.pt", TorchCheckpoint.readTensors(dir.resolve("tiny.pt")), arch, device,
                precision, org.evo2wb.engine.model.MasterWeights.FP32);
    }

    private static double maxAbsDiff(double[] want, float[] got) {
        if (want.length != got.length) {
            throw new IllegalStateException("size " + got.length + " != reference " + want.length);
        }
        double max = 0;
        for (int i = 0; i < want.length; i++) {
            max = Math.max(max, Math.abs(want[i] - got[i]));
        }
        return max;
    }

    private static double relativeError(double[] want, float[] got) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < want.length; i++) {
            num += (got[i] - want[i]) * (got[i] - want[i]);
            den += want[i] * want[i];
        }
        return Math.sqrt(num / den);
    }
}
