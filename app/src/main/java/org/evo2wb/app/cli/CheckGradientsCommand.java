package org.evo2wb.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.evo2wb.bio.SequenceRecord;
import org.evo2wb.bio.dataset.Evo2Tokenizer;
import org.evo2wb.engine.checkpoint.Safetensors;
import org.evo2wb.engine.io.AtomicFiles;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.train.optim.LossGradients;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code evo2wb check-gradients}: the fp32 gradient of the mean next-token loss ({@link LossGradients}). */
@Command(name = "check-gradients", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compute the gradient of the model's mean next-token cross-entropy over the input records for "
                + "every weight, to compare training maths with another implementation (for example PyTorch).",
            "Every base after the first of each record is a target with weight 1; the tokens are the bases' bytes "
                    + "with no start token. Written as fp32 safetensors keyed by the checkpoint names.",
            "Example: evo2wb check-gradients --model tiny.pt --config tiny.yml --input seqs.fasta --out grads.safetensors"})
final class CheckGradientsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Mixin
    DeviceOptions where;

    @Mixin
    InputFiles inputs;

    @Option(names = "--out", required = true, paramLabel = "<grads.safetensors>",
            description = "Where to write the gradients (the loss and target count go into the file's metadata).")
    Path out;

    @Override
    public Integer call() throws Exception {
        List<SequenceRecord> records = inputs.records();
        List<long[]> tokens = records.stream().map(r -> Evo2Tokenizer.encodeLongs(r.sequence(), false)).toList();
        for (int i = 0; i < records.size(); i++) {
            if (tokens.get(i).length < 2) {
                throw new IllegalArgumentException(records.get(i).source() + ": record '" + records.get(i).id()
                        + "' has fewer than 2 bases, so nothing to predict");
            }
        }
        LossGradients.Result r;
        // fp32 masters: the gradients of the linear weights are asked for too
        try (StripedHyena m = model.spec().resolve().load(where.device(), where.precision(),
                org.evo2wb.engine.model.MasterWeights.FP32)) {
            r = LossGradients.compute(m, tokens);
        }
        Map<String, String> meta = Map.of("loss", Double.toString(r.loss()), "targets", Long.toString(r.targets()),
                "definition", "d/dw of mean over all targets of -log softmax(logits[t-1])[x[t]], fp32");
        AtomicFiles.write(out, tmp -> Safetensors.write(tmp, r.gradients(), meta));
        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "loss %.6f over %,d targets of %d records; gradients of %d tensors written to %s%n",
                r.loss(), r.targets(), records.size(), r.gradients().size(), out);
        o.flush();
        return Evo2wbCli.EXIT_OK;
    }
}
