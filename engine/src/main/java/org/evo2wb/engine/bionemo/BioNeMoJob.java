package org.evo2wb.engine.bionemo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.BooleanSupplier;
import org.evo2wb.engine.train.settings.FineTuneSettings;
import org.evo2wb.engine.train.data.TrainingData;
import org.evo2wb.engine.train.TrainingPlan;

/**
 * Writes a BioNeMo fine-tuning job: a folder a cluster user copies and runs with NVIDIA BioNeMo's Evo 2 recipe
 * ({@link RecipeSource}) instead of training on this machine. It holds
 * <ul>
 *   <li>{@code data/train.fasta}, {@code data/validation.fasta}: our windows, one FASTA record each ({@link WindowFasta}),
 *       so the recipe trains and validates on exactly our split;</li>
 *   <li>{@code data/preprocess_config.yaml} for {@code preprocess_evo2} (one entry per side, each kept whole in its
 *       split) and {@code data/dataset_config.yaml} for {@code train_evo2 --dataset-config};</li>
 *   <li>{@code prepare.sh}: preprocessing, then the starting model (fetch and convert the Savanna checkpoint, or
 *       convert our own weights);</li>
 *   <li>{@code train_evo2.sh}: the launch, its flags mapped one by one from the settings ({@link SettingMapping});</li>
 *   <li>{@code job.sbatch}: the Slurm batch script (nodes and GPUs per node as parameters);</li>
 *   <li>{@code README.md}: the walk-through and the settings without an equivalent; {@code settings.json}: our
 *       settings and the resolved plan.</li>
 * </ul>
 * The folder is written under a temporary name next to it and renamed when complete.
 */
public final class BioNeMoJob {

    /**
     * What was written.
     *
     * @param folder            the job folder
     * @param trainWindows      training windows (FASTA records) written
     * @param validationWindows validation windows written
     * @param trainBases        bases in the training FASTA
     * @param validationBases   bases in the validation FASTA
     * @param plan              the resolved plan (steps, warm-up, evaluation interval)
     * @param mapping           how each setting reached the job
     */
    public record Result(Path folder, int trainWindows, int validationWindows, long trainBases, long validationBases,
                         TrainingPlan plan, SettingMapping mapping) {}

    /** File names inside the job folder. */
    public static final String TRAIN_FASTA = "data/train.fasta";
    public static final String VALIDATION_FASTA = "data/validation.fasta";
    public static final String PREPROCESS_CONFIG = "data/preprocess_config.yaml";
    public static final String DATASET_CONFIG = "data/dataset_config.yaml";
    public static final String PREPARE = "prepare.sh";
    public static final String LAUNCH = "train_evo2.sh";
    public static final String SLURM = "job.sbatch";
    public static final String README = "README.md";
    public static final String SETTINGS = "settings.json";

    private BioNeMoJob() {
    }

    /**
     * Writes the job for {@code settings} and {@code data} into the new folder {@code folder}.
     *
     * @param model      the starting model ({@link StartingModel#of})
     * @param appVersion the workbench version, recorded in the README
     * @param cancelled  polled between windows; true stops the export and leaves nothing behind
     * @throws IOException              when {@code folder} exists, or writing fails (nothing is left behind)
     * @throws IllegalArgumentException when the data have no training or no validation windows
     */
    public static Result export(Path folder, FineTuneSettings settings, TrainingData data, StartingModel model,
                                String appVersion, BooleanSupplier cancelled) throws IOException {
        if (Files.exists(folder)) {
            throw new IOException(folder + " already exists: choose a new folder for the BioNeMo job");
        }
        int train = data.train().size();
        int validation = data.validation().size();
        if (train == 0) {
            throw new IllegalArgumentException("no training windows: choose more records or hold fewer out");
        }
        if (validation == 0) {
            throw new IllegalArgumentException("no validation windows: the recipe evaluates on a validation split; "
                    + "raise the validation fraction above 0 or give validation files");
        }
        TrainingPlan plan = TrainingPlan.resolve(settings, train, validation);
        SettingMapping mapping = SettingMapping.of(settings, plan);
        Path parent = folder.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temp = Files.createTempDirectory(parent, "." + folder.getFileName() + ".partial-");
        try {
            try {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the folder keeps the platform's default permissions
            }
            Files.createDirectories(temp.resolve("data"));
            long trainBases = WindowFasta.write(data.train(), temp.resolve(TRAIN_FASTA), cancelled);
            long validationBases = WindowFasta.write(data.validation(), temp.resolve(VALIDATION_FASTA), cancelled);
            JobFiles files = new JobFiles(settings, plan, mapping, model);
            write(temp.resolve(PREPROCESS_CONFIG), files.preprocessConfig(), false);
            write(temp.resolve(DATASET_CONFIG), files.datasetConfig(), false);
            write(temp.resolve(PREPARE), files.prepareScript(), true);
            write(temp.resolve(LAUNCH), files.launchScript(), true);
            write(temp.resolve(SLURM), files.slurmScript(), true);
            Result r = new Result(folder, train, validation, trainBases, validationBases, plan, mapping);
            write(temp.resolve(README), files.readme(r, appVersion), false);
            write(temp.resolve(SETTINGS), files.settingsJson(r), false);
            try {
                Files.move(temp, folder, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, folder);
            }
            return r;
        } catch (IOException | RuntimeException e) {
            deleteTree(temp);
            throw e;
        }
    }

    private static void write(Path file, String text, boolean executable) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        if (executable) {
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system (Windows): the README runs the scripts with bash
            }
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove the unfinished job folder " + dir, e);
        }
    }
}
