package org.evo2wb.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.evo2wb.engine.fuzz.FuzzTargets;
import org.evo2wb.engine.fuzz.Fuzzer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code evo2wb fuzz} (hidden, for developers): a long seeded fuzzing run over the file readers ({@link Fuzzer}).
 * The tests run a short one.
 */
@Command(name = "fuzz", hidden = true, mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fuzz the FASTA, GenBank, EMBL, .pt and safetensors readers with mutated copies of seed files "
                + "and report executions and findings (another exception than the reader's own error, an error "
                + "message without the file name, a read past the time bound, a large allocation).",
            "Exit code 0 without findings, 1 with findings.",
            "Example: evo2wb fuzz --minutes 30 --keep findings/ ../shared/data/genbank engine/src/test/resources/golden"})
final class FuzzCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "<seed file or folder>",
            description = "Valid input files, or folders of them (each reader takes the files it can read).")
    List<Path> seeds;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "<n>",
            description = "Random seed: the same seed and seed files give the same inputs. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--minutes", defaultValue = "10", paramLabel = "<m>",
            description = "How long to run. Default: ${DEFAULT-VALUE}.")
    double minutes;

    @Option(names = "--executions", defaultValue = "0", paramLabel = "<n>",
            description = "Stop after this many inputs (0: only --minutes limits). Default: ${DEFAULT-VALUE}.")
    long executions;

    @Option(names = "--timeout", defaultValue = "10", paramLabel = "<s>",
            description = "Time bound of one read, in seconds. Default: ${DEFAULT-VALUE}.")
    double timeout;

    @Option(names = "--keep", paramLabel = "<folder>", description = "Keep inputs that gave findings here.")
    Path keep;

    @Override
    public Integer call() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path p : seeds) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(Files::isRegularFile).sorted().forEach(files::add);
                }
            } else if (Files.isRegularFile(p)) {
                files.add(p);
            } else {
                throw new IOException(p + ": no such file or folder");
            }
        }
        Path work = Files.createTempDirectory("evo2wb-fuzz");
        try {
            Fuzzer.Settings settings = new Fuzzer.Settings(seed, executions,
                    Duration.ofMillis(Math.round(minutes * 60_000)), Duration.ofMillis(Math.round(timeout * 1000)), work,
                    keep);
            Fuzzer.Report r = new Fuzzer(FuzzTargets.standard(), settings).run(files);
            PrintWriter out = spec.commandLine().getOut();
            out.print(r.format());
            out.flush();
            return r.findings().isEmpty() ? Evo2wbCli.EXIT_OK : Evo2wbCli.EXIT_FAILED;
        } finally {
            try (Stream<Path> s = Files.list(work)) {
                for (Path p : s.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(work);
        }
    }
}
