package org.evo2wb.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.evo2wb.engine.embed.EmbedTask;
import org.evo2wb.engine.embed.EmbeddingFile;
import org.evo2wb.engine.embed.Embeddings;
import org.evo2wb.engine.embed.LayerName;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.score.Scorer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code evo2wb embed}: layer outputs of every record ({@link Embeddings}). */
@Command(name = "embed", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write the output of chosen layers of the model for every record: per base, or the mean over "
                + "each record. Layers are named as in the checkpoint: embedding_layer, blocks.N (a block's output), "
                + "blocks.N.mlp.l3, blocks.N.pre_norm, blocks.N.post_norm, blocks.N.projections, "
                + "blocks.N.out_filter_dense, blocks.N.inner_mha_cls.out_proj, norm.",
            "Long records are embedded window by window (--chunk, --overlap), so memory stays bounded.",
            "Example: evo2wb embed --model default --input genes.fasta --layer blocks.4,blocks.6.mlp.l3 --pool mean "
                    + "--out genes.safetensors"})
final class EmbedCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Mixin
    DeviceOptions where;

    @Mixin
    InputFiles inputs;

    @Option(names = "--layer", required = true, paramLabel = "<name>[,<name>...]",
            description = "The layers to write, comma-separated.")
    String layers;

    @Option(names = "--pool", defaultValue = "mean", paramLabel = "mean|none",
            description = "mean: one vector per record and layer; none: one per base. Default: ${DEFAULT-VALUE}.")
    String pool;

    @Option(names = "--out", required = true, paramLabel = "<file>",
            description = ".safetensors (tensors LAYER/RECORD per base, LAYER pooled), .npy (one layer) or .csv.")
    Path out;

    @Option(names = "--chunk", defaultValue = "" + Embeddings.DEFAULT_CHUNK, paramLabel = "<bases>",
            description = "Longest stretch one forward pass sees. Default: ${DEFAULT-VALUE}.")
    int chunk;

    @Option(names = "--overlap", defaultValue = "" + Embeddings.DEFAULT_OVERLAP, paramLabel = "<bases>",
            description = "Bases shared by consecutive windows of a long record. Default: ${DEFAULT-VALUE}.")
    int overlap;

    @Mixin
    CaseOption letterCase;

    @Override
    public Integer call() throws Exception {
        boolean mean = switch (pool) {
            case "mean" -> true;
            case "none" -> false;
            default -> throw new IllegalArgumentException("--pool must be mean or none, got '" + pool + "'");
        };
        EmbeddingFile.formatOf(out);
        List<Scorer.Input> records = Inputs.scorerInputs(inputs.records(), letterCase);
        Embeddings.Summary s;
        try (StripedHyena m = model.load(where)) {
            List<LayerName> names = LayerName.parseAll(layers, m.architecture());
            s = TaskConsole.run(new EmbedTask(m, records, names, mean, chunk, overlap, out),
                    spec.commandLine().getErr());
        }
        PrintWriter o = spec.commandLine().getOut();
        o.println(s.format() + "; written to " + out);
        o.flush();
        return Evo2wbCli.EXIT_OK;
    }
}
