package org.evo2wb.app.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.evo2wb.engine.load.bionemo.BioNeMoCheckpoint;
import org.evo2wb.engine.load.DefaultModel;
import org.evo2wb.engine.load.ModelFiles;
import org.evo2wb.engine.train.run.FineTunedModel;
import org.evo2wb.engine.train.run.RunFolder;
import org.evo2wb.engine.train.run.RunSummary;

/**
 * Where a model's files are: the weights, the config YAML that goes with them (when one lies next to them) and the
 * self-test expectations ({@code selftest.tsv}, see {@link org.evo2wb.engine.score.SelfTest}).
 *
 * <p>The config and self-test next to a weights file are found by the engine's rules ({@link ModelFiles}), the
 * bundled model by {@link DefaultModel}, the same as on the command line.
 *
 * @param kind what sort of model this is
 * @param name what the user sees
 * @param weights the weights file (first shard for byte-sharded {@code .pt.partN})
 * @param config the config YAML found with the weights, or null (then a preset is inferred from the shapes)
 * @param selfTest the self-test file, or null
 * @param run the fine-tuning run folder for {@link Kind#RUN} (then {@code weights} is the run's starting checkpoint,
 *            the trained weights come from the run's best, else newest, checkpoint), else null
 */
public record ModelSource(Kind kind, String name, Path weights, Path config, Path selfTest, Path run) {

    /** A model that is not a fine-tuning run. */
    public ModelSource(Kind kind, String name, Path weights, Path config, Path selfTest) {
        this(kind, name, weights, config, selfTest, null);
    }

    /** Sorts of model. */
    public enum Kind {
        /** The model bundled with the workbench ({@link #bundled()}). */
        DEFAULT,
        /** A checkpoint file the user opened. */
        FILE,
        /** A fine-tuning run folder ({@link #fromRunFolder(Path)}). */
        RUN
    }

    /** A checkpoint file, with the config and self-test found next to it. */
    public static ModelSource fromCheckpoint(Path weights) {
        return new ModelSource(Kind.FILE, weights.getFileName().toString(), weights,
                ModelFiles.configNextTo(weights).orElse(null), ModelFiles.selfTestNextTo(weights).orElse(null));
    }

    /**
     * A BioNeMo checkpoint folder: a Megatron Bridge folder (its config is its run_config.yaml) or a Savanna folder
     * (its model-state file, with the config found next to it).
     */
    public static ModelSource fromBioNeMoFolder(Path folder) {
        Optional<Path> savanna = BioNeMoCheckpoint.savannaFile(folder);
        if (savanna.isPresent()) {
            ModelSource s = fromCheckpoint(savanna.get());
            return new ModelSource(Kind.FILE, folder.getFileName().toString(), s.weights(), s.config(), s.selfTest());
        }
        return new ModelSource(Kind.FILE, folder.getFileName().toString(), folder, null, null);
    }

    /**
     * The model bundled with the workbench, or empty when it is not installed
     * ({@link DefaultModel#notInstalledMessage()} says why).
     */
    public static Optional<ModelSource> bundled() {
        return DefaultModel.find().map(f -> new ModelSource(Kind.DEFAULT, DefaultModel.NAME, f.weights(), f.config(),
                f.selfTest()));
    }

    /**
     * A fine-tuning run folder (the folder holding {@code run.json}; the file {@code run.json} itself is accepted):
     * the run's starting checkpoint with the weights it trained. Fails with a message naming the folder when it is not
     * a run folder, its starting checkpoint is gone, or it has no checkpoint yet.
     */
    public static ModelSource fromRunFolder(Path folder) throws IOException {
        Path dir = folder.getFileName() != null && folder.getFileName().toString().equals(RunFolder.RECORD)
                ? folder.toAbsolutePath().getParent() : folder.toAbsolutePath();
        if (!FineTunedModel.isRunFolder(dir)) {
            throw new IOException(dir + " is not a fine-tuning run folder: it has no " + RunFolder.RECORD);
        }
        Path base = Path.of(FineTunedModel.description(dir).sourceCheckpoint());
        if (!Files.isRegularFile(base)) {
            throw new IOException(dir.resolve(RunFolder.RECORD) + ": the run's starting checkpoint " + base
                    + " is missing; the trained weights are stored relative to it, so put it back there");
        }
        RunSummary summary = RunSummary.read(dir);
        if (!summary.hasCheckpoint()) {
            throw new IOException(dir + ": this run has no checkpoint yet (" + summary.progressText()
                    + "), so there are no trained weights to load");
        }
        return new ModelSource(Kind.RUN, dir.getFileName() + " (fine-tuned)", base, null, runSelfTest(dir, base), dir);
    }

    /**
     * The self-test of a fine-tuned model: a {@code selftest.tsv} in its run folder, else the one next to its
     * starting checkpoint (whose values fine-tuning is expected to move: the report then says how far), else null.
     */
    static Path runSelfTest(Path run, Path base) {
        Path own = run.resolve("selftest.tsv");
        return Files.isRegularFile(own) ? own : ModelFiles.selfTestNextTo(base).orElse(null);
    }

    /** Bytes on disk of the weights, all shards of a {@code .pt.partN} set together (a folder: all its files). */
    public long weightBytes() throws IOException {
        if (Files.isDirectory(weights)) {
            try (Stream<Path> s = Files.walk(weights)) {
                long total = 0;
                for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                    total += Files.size(p);
                }
                return total;
            }
        }
        String file = weights.getFileName().toString();
        if (!file.matches(".*\\.part\\d+")) {
            return Files.size(weights);
        }
        String prefix = file.replaceFirst("\\d+$", "");
        List<Path> shards = new ArrayList<>();
        try (Stream<Path> s = Files.list(weights.toAbsolutePath().getParent())) {
            s.filter(p -> p.getFileName().toString().matches(java.util.regex.Pattern.quote(prefix) + "\\d+"))
                    .forEach(shards::add);
        }
        long total = 0;
        for (Path p : shards) {
            total += Files.size(p);
        }
        return total;
    }

    @Override
    public String toString() {
        return name;
    }
}
