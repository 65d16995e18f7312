package org.evo2wb.engine.train;

import ai.djl.Device;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.evo2wb.bio.ReadProgress;
import org.evo2wb.bio.SequenceFormatException;
import org.evo2wb.bio.dataset.TrainingDataset;
import org.evo2wb.engine.checkpoint.Safetensors;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.device.DeviceChoice;
import org.evo2wb.engine.io.AtomicFiles;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.task.TaskStatus;
import org.evo2wb.engine.train.data.TokenWindow;
import org.evo2wb.engine.train.data.TrainingData;
import org.evo2wb.engine.train.data.WindowSource;
import org.evo2wb.engine.train.parallel.TrainingDevices;
import org.evo2wb.engine.train.run.ModelDescription;
import org.evo2wb.engine.train.run.RunFolder;
import org.evo2wb.engine.train.settings.FineTuneMethod;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.FineTuneSettings;

/**
 * Training an Evo 2-shaped model from scratch: the fine-tuning loop ({@link FineTuneRun}, method {@code full}) started
 * from random weights ({@link StripedHyena#random}) instead of a checkpoint. Everything else (settings, data windows,
 * AdamW with warm-up and cosine decay, clipping, evaluation, checkpoints, resume, run record) is the fine-tuning
 * run's. At the end the whole model is written as {@code model/model.safetensors} (released vortex key layout, fp32)
 * with its {@code model/config.yml}, loadable by {@link StripedHyena#load}.
 *
 * <p>The run record names the starting point {@code random-init} with the initialisation seed in place of a
 * checkpoint hash, so a killed run resumes only with the same seed (the checkpoint then overwrites every weight).
 *
 * <p>Command line (one JVM; PyTorch threads from {@code OMP_NUM_THREADS}):
 * <pre>
 *   evo2wb pretrain --model-config MODEL.yml --out RUN_FOLDER [--init-seed N] [--validation-file FILE]...
 *            [--SETTING VALUE]... TRAINING_FILE...
 * </pre>
 * {@code --SETTING} is any fine-tuning setting by name ({@code --learning-rate 2e-3 --max-steps 400 ...}); the
 * method is always {@code full}. With validation files, every record of them is held out and the validation
 * fraction is not used. A run folder that already holds a run is resumed.
 */
public final class Pretrain {

    /** Folder of the exported model inside the run folder. */
    public static final String MODEL_FOLDER = "model";
    /** Exported weights. */
    public static final String WEIGHTS = "model.safetensors";
    /** Exported config. */
    public static final String CONFIG = "config.yml";

    private Pretrain() {
    }

    /**
     * What a pre-training run needs.
     *
     * @param config           the model's shape
     * @param initSeed         seed of the random initial weights
     * @param trainFiles       sequence files to train on
     * @param validationFiles  files held out whole for validation (empty: split the training files by record)
     * @param settings         fine-tuning settings; the method is forced to {@code full}
     * @param folder           run folder (resumed when it holds a run)
     */
    public record Spec(Evo2Config config, long initSeed, List<Path> trainFiles, List<Path> validationFiles,
                       FineTuneSettings settings, Path folder) {

        public Spec {
            trainFiles = List.copyOf(trainFiles);
            validationFiles = List.copyOf(validationFiles);
            settings = settings.toBuilder().set(FineTuneParameters.METHOD, FineTuneMethod.FULL).build();
        }
    }

    /** How the run went and where the model is. */
    public record Result(TrainingResult training, long parameters, Path weights, Path config) {
    }

    /** The description the run record keeps of a random starting point. */
    public static ModelDescription description(Evo2Config config, long initSeed) {
        JsonObject c = new Gson().toJsonTree(new org.yaml.snakeyaml.Yaml().load(config.toYaml())).getAsJsonObject();
        return new ModelDescription(config.modelName(), c, "random-init", "random-init-seed-" + initSeed);
    }

    /** Reads the data, builds the model and runs (or resumes) the training on the calling thread, then exports. */
    public static Result run(Spec spec, List<TrainingListener> listeners) throws Exception {
        TrainingDataset dataset;
        try {
            dataset = TrainingDataset.build(spec.trainFiles(), spec.validationFiles(),
                    TrainingData.options(spec.settings()), ReadProgress.NONE);
        } catch (SequenceFormatException e) {
            throw new IOException(e.getMessage(), e);
        }
        TrainingData data = TrainingData.of(dataset);
        DeviceChoice choice = TrainingDevices.choose(spec.settings());
        Device device = choice.device();
        Precision precision = choice.precision();
        try (StripedHyena model = StripedHyena.random(spec.config(), spec.initSeed(), device, precision,
                org.evo2wb.engine.model.MasterWeights.FP32)) {
            boolean resume = new RunFolder(spec.folder()).hasRecord();
            FineTuneRun.Builder b = resume ? FineTuneRun.resume(spec.folder())
                    : FineTuneRun.newRun(spec.folder(), spec.settings());
            FineTuneSettings effective = resume ? FineTuneRun.readSettings(spec.folder()) : spec.settings();
            b.model(TrainableStripedHyena.prepare(model, effective), description(spec.config(), spec.initSeed()))
                    .data(data.train(), spread(data.validation(), effective), data.manifest()).devices(choice);
            listeners.forEach(b::listener);
            FineTuneTask task = b.build().task();
            task.run();
            if (task.status() != TaskStatus.FINISHED) {
                throw new IllegalStateException("training " + task.status().name().toLowerCase(Locale.ROOT) + ": "
                        + task.message());
            }
            TrainingResult r = task.result().join();
            Path dir = spec.folder().resolve(MODEL_FOLDER);
            Path weights = export(model, spec.config(), dir, r);
            return new Result(r, model.parameterCount(), weights, dir.resolve(CONFIG));
        }
    }

    /**
     * The validation windows in an order that spreads the first ones over every held-out record: the loop evaluates
     * the first "validation batches" windows, which would otherwise all come from the start of the first record.
     * With n windows and w = validation batches × batch size wanted, the order is 0, k, 2k, …, then 1, k+1, …, with
     * stride k = ⌈n / w⌉: a permutation, so the count (checked on resume) is unchanged.
     */
    static WindowSource spread(WindowSource validation, FineTuneSettings s) {
        int n = validation.size();
        Integer evalBatches = s.get(FineTuneParameters.EVAL_BATCHES);
        if (n == 0 || evalBatches == null) {
            return validation;
        }
        long wanted = Math.max(1L, (long) evalBatches * s.get(FineTuneParameters.BATCH_SIZE));
        int stride = (int) Math.max(1, (n + wanted - 1) / wanted);
        int[] order = new int[n];
        int k = 0;
        for (int phase = 0; phase < stride; phase++) {
            for (int i = phase; i < n; i += stride) {
                order[k++] = i;
            }
        }
        return new WindowSource() {
            @Override
            public int size() {
                return n;
            }

            @Override
            public TokenWindow get(int index) {
                return validation.get(order[index]);
            }
        };
    }

    /** Writes the model's weights (released key layout, fp32) and its config into {@code dir}. */
    static Path export(StripedHyena model, Evo2Config config, Path dir, TrainingResult r) throws IOException {
        Files.createDirectories(dir);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("model_name", config.modelName());
        meta.put("steps", Long.toString(r.steps()));
        meta.put("trained_by", "Evo2 Workbench pre-training (method full, random initial weights)");
        Path weights = dir.resolve(WEIGHTS);
        Path tmp = dir.resolve(WEIGHTS + ".part");
        Safetensors.write(tmp, model.exportTensors(false), meta);
        Files.move(tmp, weights, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        AtomicFiles.writeString(dir.resolve(CONFIG), config.toYaml());
        return weights;
    }

    /** Prints one line per step and per evaluation. */
    public static final class ConsoleListener implements TrainingListener {

        @Override
        public void onStart(TrainingPlan plan, long fromStep) {
            System.out.printf(Locale.ROOT, "plan: %d steps from step %d, warm-up %d, evaluate every %d on %d batches%n",
                    plan.plannedSteps(), fromStep, plan.warmupSteps(), plan.evalEvery(), plan.evalBatches());
        }

        @Override
        public void onSettingsChecked(double loss) {
            System.out.printf(Locale.ROOT, "settings check passed, loss %.4f%n", loss);
        }

        @Override
        public void onStep(StepMetrics m) {
            System.out.printf(Locale.ROOT, "step %d/%d loss %.4f lr %.2e grad %.3f %.0f tok/s tokens %d elapsed %ds "
                            + "rss %.1f MiB%n", m.step(), m.plannedSteps(), m.trainLoss(), m.learningRate(),
                    m.gradNorm(), m.tokensPerSecond(), m.tokens(), m.elapsed().toSeconds(),
                    m.memoryBytes() / 1048576.0);
        }

        @Override
        public void onEvaluation(EvalMetrics e) {
            System.out.printf(Locale.ROOT, "eval step %d: validation %.4f nats, %.4f bits/base%s%n", e.step(), e.loss(),
                    e.bitsPerBase(), e.improved() ? " (best)" : "");
        }

        @Override
        public void onStop(StopReason reason, String message) {
            System.out.println("stopped: " + message);
        }
    }
}
