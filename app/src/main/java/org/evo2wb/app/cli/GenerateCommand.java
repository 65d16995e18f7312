package org.evo2wb.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.evo2wb.bio.SequenceRecord;
import org.evo2wb.engine.generate.GeneratedSample;
import org.evo2wb.engine.generate.Generation;
import org.evo2wb.engine.generate.GenerationRequest;
import org.evo2wb.engine.generate.GenerationTask;
import org.evo2wb.engine.generate.GenerationWriters;
import org.evo2wb.engine.generate.PromptRegion;
import org.evo2wb.engine.generate.SamplingSettings;
import org.evo2wb.engine.generate.SequenceQc;
import org.evo2wb.engine.io.AtomicFiles;
import org.evo2wb.engine.model.StripedHyena;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code evo2wb generate}: continues a prompt with DNA written by the model, base by base, and writes the samples as
 * FASTA with their QC in the headers; the work is a {@link GenerationTask}.
 */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generate DNA with an Evo 2 model: continue a prompt base by base.",
            "Only A, C, G and T are drawn. Prints QC of the prompt and of every sample (GC %%, longest open reading "
                    + "frame, homopolymers, repeated 12-mers, the model's own mean log-likelihood).",
            "Example: evo2wb generate --model default --prompt-file phage.fasta --region 1-2000 --length 1000 "
                    + "--samples 4 --out phage_samples.fasta"})
final class GenerateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Mixin
    DeviceOptions where;

    @ArgGroup(exclusive = true, multiplicity = "1")
    PromptSource source;

    static final class PromptSource {
        @Option(names = "--prompt", paramLabel = "<bases>", description = "The prompt's bases, as typed.")
        String bases;

        @Option(names = "--prompt-file", paramLabel = "<file>",
                description = "A FASTA, GenBank or EMBL file holding the prompt (its first record, or --record).")
        Path file;
    }

    @Option(names = "--record", paramLabel = "<id>", description = "With --prompt-file: the record to start from. "
            + "Default: the first.")
    String record;

    @Option(names = "--region", paramLabel = "<start-end>", description = "Only this stretch of the prompt "
            + "(1-based, both ends included), e.g. 1001-3000.")
    String region;

    @Option(names = "--length", required = true, paramLabel = "<bases>", description = "Bases to generate per sample.")
    int length;

    @Option(names = "--samples", defaultValue = "1", paramLabel = "<n>",
            description = "Samples generated side by side. Default: ${DEFAULT-VALUE}.")
    int samples;

    @Option(names = "--temperature", defaultValue = "" + SamplingSettings.DEFAULT_TEMPERATURE, paramLabel = "<t>",
            description = "Divides the logits; 0 always takes the most likely base. Default: ${DEFAULT-VALUE}.")
    double temperature;

    @Option(names = "--top-k", defaultValue = "" + SamplingSettings.DEFAULT_TOP_K, paramLabel = "<k>",
            description = "Draw only among the k most likely bases (1-4). Default: ${DEFAULT-VALUE}.")
    int topK;

    @Option(names = "--top-p", defaultValue = "" + SamplingSettings.DEFAULT_TOP_P, paramLabel = "<p>",
            description = "Draw only among the most likely bases that together reach probability p. "
                    + "Default: ${DEFAULT-VALUE}.")
    double topP;

    @Option(names = "--seed", defaultValue = "" + SamplingSettings.DEFAULT_SEED, paramLabel = "<n>",
            description = "Seed of the random draws: the same seed and settings give the same samples. "
                    + "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Mixin
    CaseOption letterCase;

    @Option(names = "--out", required = true, paramLabel = "<out.fasta>",
            description = "The samples as FASTA, QC and settings in each header.")
    Path out;

    @Override
    public Integer call() throws Exception {
        SamplingSettings sampling = new SamplingSettings(temperature, topK, topP, seed);
        String name;
        String bases;
        if (source.file != null) {
            List<SequenceRecord> records = Inputs.records(List.of(source.file));
            SequenceRecord r = PromptRegion.pick(records, record, source.file.getFileName().toString());
            name = r.id();
            bases = r.sequence();
        } else {
            if (record != null) {
                throw new IllegalArgumentException("--record needs --prompt-file");
            }
            name = "prompt";
            bases = source.bases.strip();
        }
        if (region != null) {
            PromptRegion reg = PromptRegion.parse(region, bases.length(), name);
            bases = reg.of(bases);
            name = name + "_" + reg.start() + "-" + reg.end();
        }
        GenerationRequest request = new GenerationRequest(name, letterCase.asRead(bases), length, samples, sampling);
        PrintWriter err = spec.commandLine().getErr();
        Generation g;
        try (StripedHyena m = model.load(where)) {
            g = TaskConsole.run(new GenerationTask(m, request), err);
        }
        AtomicFiles.writeText(out, w -> GenerationWriters.fasta(w, g));
        PrintWriter o = spec.commandLine().getOut();
        o.println("name\tlength\tgc_percent\tlongest_orf\tlongest_homopolymer\trepeated_12mers\tmean_loglik");
        o.println(row(name + " (prompt)", g.promptQc(), g.promptMeanLogLikelihood()));
        for (GeneratedSample s : g.samples()) {
            o.println(row(GenerationWriters.sampleId(g, s), s.qc(), s.meanLogLikelihood()));
        }
        o.printf(Locale.ROOT, "generated %d x %,d bases in %.1f s (%,.1f bases/s); samples in %s%n", g.samples().size(),
                length, g.seconds(), g.basesPerSecond(), out);
        o.flush();
        return Evo2wbCli.EXIT_OK;
    }

    private static String row(String name, SequenceQc q, double meanLl) {
        int best = 0;
        for (int f = 1; f < 6; f++) {
            if (q.longestOrf()[f] > q.longestOrf()[best]) {
                best = f;
            }
        }
        return String.format(Locale.ROOT, "%s\t%d\t%.1f\t%d (%s)\t%d\t%.3f\t%.4f", name, q.length(), q.gcPercent(),
                q.longestOrf()[best], SequenceQc.FRAMES[best], q.longestHomopolymer(), q.repeatedKmerFraction(),
                meanLl);
    }
}
