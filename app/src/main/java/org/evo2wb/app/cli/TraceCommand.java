package org.evo2wb.app.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.TorchCheckpoint;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.model.TraceComparator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code evo2wb trace}: compares every intermediate of a forward pass with a reference trace ({@link TraceComparator}). */
@Command(name = "trace", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Debugging aid: run the model on token ids and compare each block's intermediate results with "
                + "a reference trace from another implementation; names the first one that disagrees.",
            "Exit code 0 when all agree within the tolerance, 1 otherwise.",
            "Example: evo2wb trace --model tiny.pt --config tiny.yml --ids ids.pt --reference trace.pt"})
final class TraceCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Mixin
    DeviceOptions where;

    @Option(names = "--ids", required = true, paramLabel = "<ids.pt>",
            description = "A torch.save file holding one int64 tensor of token ids, shape (batch, length); row 0 is "
                    + "traced.")
    Path ids;

    @Option(names = "--reference", required = true, paramLabel = "<trace.pt>",
            description = "A torch.save dict of named intermediates of row 0 (embedding, blocks.i.*, final_norm, "
                    + "logits), each of shape (1, ...).")
    Path reference;

    @Option(names = "--tolerance", defaultValue = "0.05", paramLabel = "<relRMS>",
            description = "Largest relative RMS error ||got - ref|| / ||ref|| counted as agreement. "
                    + "Default: ${DEFAULT-VALUE}.")
    double tolerance;

    @Override
    public Integer call() throws Exception {
        HostTensor idTensor;
        try (TorchCheckpoint c = TorchCheckpoint.open(ids)) {
            idTensor = c.singleTensor();
        }
        if (idTensor.shape().length != 2) {
            throw new IllegalArgumentException(ids + ": expected token ids of shape (batch, length), got "
                    + java.util.Arrays.toString(idTensor.shape()));
        }
        Map<String, HostTensor> ref = TorchCheckpoint.readTensors(reference);
        TraceComparator.Report report;
        try (StripedHyena m = model.load(where); NDManager nd = m.manager().newSubManager()) {
            NDArray tok = nd.create(idTensor.toLongArray(), new Shape(idTensor.shape()));
            report = TraceComparator.compare(TraceComparator.capture(m, tok), ref, tolerance);
        }
        PrintWriter o = spec.commandLine().getOut();
        o.println(report.format());
        o.flush();
        return report.firstDisagreement().isPresent() ? Evo2wbCli.EXIT_FAILED : Evo2wbCli.EXIT_OK;
    }
}
