package org.evo2wb.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import org.evo2wb.bio.ReadProgress;
import org.evo2wb.bio.dataset.DatasetSummary;
import org.evo2wb.engine.finetune.FineTuneInputs;
import org.evo2wb.engine.finetune.FineTuneLauncher;
import org.evo2wb.engine.bionemo.BioNeMoExport;
import org.evo2wb.engine.bionemo.BioNeMoExportTask;
import org.evo2wb.engine.bionemo.BioNeMoJob;
import org.evo2wb.engine.bionemo.StartingModel;
import org.evo2wb.engine.load.ModelSpec;
import org.evo2wb.engine.train.data.TrainingData;
import org.evo2wb.engine.train.TrainingListener;
import org.evo2wb.engine.train.TrainingResult;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.FineTuneSettings;
import org.evo2wb.engine.train.settings.Hyperparameter;
import org.evo2wb.engine.train.settings.SettingFlags;
import org.evo2wb.engine.train.settings.Preset;
import org.evo2wb.engine.train.settings.SettingsProblem;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code evo2wb finetune}: starts or resumes a fine-tuning run ({@link FineTuneLauncher}) with a progress bar. The
 * settings options are generated from their declarations by {@link SettingFlags}; every problem with them is
 * reported at once, one line per problem, with exit code 2. Ctrl-C stops the run after saving a checkpoint of the
 * last completed step; {@code --resume} continues it.
 */
@Command(name = "finetune", mixinStandardHelpOptions = true, sortOptions = false, modelTransformer = SettingFlags.class,
        synopsisHeading = "Usage: ",
        customSynopsis = {"evo2wb finetune --model <model> --train <file>... --run-dir <folder>",
            "         [--config <yaml|preset>] [--val <file>...] [--record <id>]... [--feature-type <type>]",
            "         [--val-record <id>]... [--preset <name>] [--<setting> <value>]...",
            "       evo2wb finetune --model <model> --train <file>... --export-bionemo <folder> [same options]",
            "       evo2wb finetune --resume <folder> [--max-time <duration>]", ""},
        description = {"Fine-tune an Evo 2 model on your sequences: small LoRA adapters (the default), only the "
                + "Hyena filters, or every weight.",
            "Progress, checkpoints and the result go into the run folder; Ctrl-C stops after saving a checkpoint, "
                    + "and --resume continues from it.",
            "--model names the model to start from (a weights file or 'default'); with --resume it is needed only "
                    + "when the starting model has moved (it must be the same file). --device and --precision are "
                    + "fine-tuning settings here.",
            "Examples:",
            "  evo2wb finetune --model evo2_7b.pt --train phages.fasta --preset quick-lora --run-dir runs/phage1",
            "  evo2wb finetune --resume runs/phage1",
            "  evo2wb finetune --model evo2_7b.pt --train phages.fasta --preset quick-lora --export-bionemo phage1-job"})
final class FinetuneCommand implements Callable<Integer> {

    /** Exit code after Ctrl-C (128 + SIGINT), as shells report it. */
    static final int EXIT_CANCELLED = 130;

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = false)
    ModelOptions model;

    @Option(names = "--train", arity = "1..*", paramLabel = "<file>",
            description = "FASTA or GenBank files to train on (plain or compressed).")
    List<Path> train = new ArrayList<>();

    @Option(names = "--val", arity = "1..*", paramLabel = "<file>",
            description = "Separate files to validate on. Default: hold out whole records of the training files "
                    + "(--validation-fraction).")
    List<Path> validation = new ArrayList<>();

    @Option(names = "--record", paramLabel = "<id>",
            description = "Train only on this record of the --train files (by its id; repeat for more). Default: "
                    + "every record.")
    List<String> recordIds = new ArrayList<>();

    @Option(names = "--feature-type", paramLabel = "<type>",
            description = "Train on the spans of the features of this type (e.g. CDS), each read 5'→3' on its own "
                    + "strand, instead of whole records.")
    String featureType;

    @Option(names = "--val-record", paramLabel = "<id>",
            description = "Hold out this record of the --train files for validation (repeat for more), instead of "
                    + "the seeded split by --validation-fraction.")
    List<String> validationIds = new ArrayList<>();

    @Option(names = "--run-dir", paramLabel = "<folder>",
            description = "New folder for the run: settings, progress, checkpoints and the adapter or weights.")
    Path runDir;

    @Option(names = "--resume", paramLabel = "<folder>",
            description = "Continue the run in this folder from its newest checkpoint, with its recorded settings and "
                    + "files (only --max-time may change).")
    Path resume;

    @Option(names = "--export-bionemo", paramLabel = "<folder>",
            description = "Instead of training here, write a job for NVIDIA BioNeMo's Evo 2 recipe into this new "
                    + "folder: the same windows and split as FASTA, a launch script with the settings as recipe flags, "
                    + "the starting model step, a Slurm script and a README (settings without an equivalent listed).")
    Path exportBioNeMo;

    @Option(names = "--preset", paramLabel = "<quick-lora|thorough-lora|full>",
            description = "Starting values for the settings: quick-lora (rank 8, one pass), thorough-lora (rank 32, "
                    + "three passes, early stopping), full (every weight). Settings given here win.")
    String preset;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Map<Hyperparameter<?>, String> given = SettingFlags.given(spec);
        List<String> problems = new ArrayList<>();
        FineTuneSettings settings = null;
        Duration maxTime = null;
        if (resume != null) {
            checkResume(given, problems);
            if (given.containsKey(FineTuneParameters.MAX_TIME) && problems.isEmpty()) {
                try {
                    maxTime = FineTuneParameters.MAX_TIME.type().parse(given.get(FineTuneParameters.MAX_TIME));
                } catch (IllegalArgumentException e) {
                    problems.add(FineTuneParameters.MAX_TIME.flag() + ": " + e.getMessage());
                }
            }
        } else {
            settings = newSettings(given, problems);
        }
        if (!problems.isEmpty()) {
            err.println("evo2wb finetune: " + (problems.size() == 1 ? "1 problem" : problems.size() + " problems")
                    + " with the options:");
            problems.forEach(p -> err.println("  " + p));
            err.flush();
            return Evo2wbCli.EXIT_USAGE;
        }
        if (exportBioNeMo != null) {
            return exportBioNeMo(settings);
        }
        TrainingProgress bar = new TrainingProgress(err, TaskConsole.live());
        List<TrainingListener> listeners = List.of(bar);
        String version = Evo2wbCli.version();
        FineTuneLauncher.Prepared prepared = resume != null
                ? FineTuneLauncher.resume(resume, model == null ? null : model.spec(), maxTime, List.of(),
                        listeners, ReadProgress.NONE, version)
                : newRun(settings, listeners, version);
        try (prepared) {
            if (!prepared.choice().note().isEmpty()) {
                err.println(prepared.choice().note());       // GPUs that auto passed over
            }
            PrintWriter out = spec.commandLine().getOut();
            DatasetSummary d = prepared.data().dataset().summary();
            FineTuneSettings s = prepared.run().settings();
            out.printf(Locale.ROOT, "%s %s in %s: %,d training windows (%,d records), %,d validation windows "
                            + "(%,d records) of %,d bases%n", resume != null ? "resuming" : "fine-tuning",
                    s.get(FineTuneParameters.METHOD).label(), prepared.run().folder(), d.trainWindows(),
                    d.trainRecords(), d.validationWindows(), d.validationRecords(),
                    s.get(FineTuneParameters.WINDOW_LENGTH) - 1);
            d.notes().forEach(n -> out.println("note: " + n));
            out.flush();
            TrainingResult r;
            try {
                r = TaskConsole.run(prepared.run().task(), err, null);
            } catch (CancellationException e) {
                out.println("cancelled; the last checkpoint is kept: evo2wb finetune --resume " + prepared.run().folder());
                out.flush();
                return EXIT_CANCELLED;
            }
            out.println(r.message());
            if (!Double.isNaN(r.bestValidationLoss())) {
                out.printf(Locale.ROOT, "best validation loss %.4f (%.4f bits/base) at step %,d%n",
                        r.bestValidationLoss(), r.bestValidationLoss() / Math.log(2), r.bestStep());
            }
            if (r.adapter() != null) {
                out.println("adapter: " + r.adapter());
            }
            out.flush();
            return Evo2wbCli.EXIT_OK;
        }
    }

    private FineTuneLauncher.Prepared newRun(FineTuneSettings settings, List<TrainingListener> listeners,
                                             String version) throws Exception {
        if (recordIds.isEmpty() && featureType == null && validationIds.isEmpty()) {
            return FineTuneLauncher.newRun(runDir, settings, model.spec(), FineTuneInputs.files(train, validation),
                    List.of(), listeners, ReadProgress.NONE, version);
        }
        FineTuneInputs.Read read = FineTuneInputs.byIds(train, recordIds, featureType, validationIds,
                ReadProgress.NONE);
        return FineTuneLauncher.newRun(runDir, settings, model.spec(), read.inputs(), read.sources(), listeners,
                ReadProgress.NONE, version);
    }

    /** Writes the BioNeMo job for the settings and the data a local run would train on. */
    private int exportBioNeMo(FineTuneSettings settings) throws Exception {
        ModelSpec.Resolved resolved = model.spec().resolve();
        StartingModel start;
        try {
            start = BioNeMoExport.startingModel(resolved);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("evo2wb finetune: --model: " + e.getMessage());
            return Evo2wbCli.EXIT_USAGE;
        }
        BioNeMoExportTask task = new BioNeMoExportTask(exportBioNeMo, settings,
                () -> TrainingData.build(train, validation, settings, ReadProgress.NONE), start, Evo2wbCli.version());
        BioNeMoJob.Result r = TaskConsole.run(task, spec.commandLine().getErr());
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "BioNeMo job written to %s: %,d training windows (%,d bases), %,d validation windows "
                        + "(%,d bases), %,d steps; model %s%n", r.folder(), r.trainWindows(), r.trainBases(),
                r.validationWindows(), r.validationBases(), r.plan().plannedSteps(), start.modelSize());
        if (!r.mapping().unmapped().isEmpty()) {
            out.println("settings without a recipe equivalent (see its README.md): " + String.join(", ",
                    r.mapping().unmapped().stream().map(e -> e.setting()).toList()));
        }
        out.println("next: copy the folder to the cluster and follow " + r.folder().resolve(BioNeMoJob.README));
        out.flush();
        return Evo2wbCli.EXIT_OK;
    }

    private void checkResume(Map<Hyperparameter<?>, String> given, List<String> problems) {
        if (exportBioNeMo != null) {
            problems.add("--export-bionemo: a resumed run cannot be exported; export from the same options as a new "
                    + "run");
        }
        if (runDir != null) {
            problems.add("--run-dir: with --resume the run folder is the one being resumed; leave --run-dir out");
        }
        if (preset != null) {
            problems.add("--preset: a resumed run keeps the settings it started with");
        }
        if (!train.isEmpty() || !validation.isEmpty()) {
            problems.add("--train, --val: a resumed run reads the files it started with (recorded in the run folder)");
        }
        if (!recordIds.isEmpty() || featureType != null || !validationIds.isEmpty()) {
            problems.add("--record, --feature-type, --val-record: a resumed run reads the records it started with "
                    + "(recorded in the run folder)");
        }
        for (Hyperparameter<?> p : given.keySet()) {
            if (p != FineTuneParameters.MAX_TIME) {
                problems.add(p.flag() + ": a resumed run keeps the settings it started with; only --max-time can "
                        + "change");
            }
        }
    }

    private FineTuneSettings newSettings(Map<Hyperparameter<?>, String> given, List<String> problems) {
        if (runDir == null && exportBioNeMo == null) {
            problems.add("--run-dir: name a new folder for the run (or --resume a run folder)");
        }
        if (runDir != null && exportBioNeMo != null) {
            problems.add("--run-dir: --export-bionemo writes a job instead of running here; leave --run-dir out");
        }
        if (exportBioNeMo != null && (!recordIds.isEmpty() || featureType != null || !validationIds.isEmpty())) {
            problems.add("--export-bionemo: the job takes whole --train and --val files; --record, --feature-type "
                    + "and --val-record cannot be exported yet (write the chosen records to a file of their own)");
        }
        if (model == null) {
            problems.add("--model: name the model to start from (a .pt or .safetensors file, or 'default')");
        }
        if (train.isEmpty()) {
            problems.add("--train: name at least one sequence file to train on");
        }
        if (!validation.isEmpty() && given.containsKey(FineTuneParameters.VALIDATION_FRACTION)) {
            problems.add("--validation-fraction: validation records come from the --val files; leave one of the "
                    + "two out");
        }
        if (!validation.isEmpty() && (!recordIds.isEmpty() || featureType != null || !validationIds.isEmpty())) {
            problems.add("--val: separate validation files go with every record of the --train files, whole; with "
                    + "--record, --feature-type or --val-record, name the validation records with --val-record");
        }
        if (!validationIds.isEmpty() && given.containsKey(FineTuneParameters.VALIDATION_FRACTION)) {
            problems.add("--validation-fraction: the validation records are named by --val-record; leave one of the "
                    + "two out");
        }
        Preset p = null;
        if (preset != null) {
            try {
                p = Preset.byKey(preset);
            } catch (IllegalArgumentException e) {
                problems.add("--preset: " + e.getMessage());
            }
        }
        FineTuneSettings.Builder b = FineTuneSettings.builder(p);
        List<SettingsProblem> settingProblems = SettingFlags.apply(b, given);
        settingProblems.forEach(x -> problems.add(x.toString()));
        return problems.isEmpty() ? b.build() : null;
    }
}
