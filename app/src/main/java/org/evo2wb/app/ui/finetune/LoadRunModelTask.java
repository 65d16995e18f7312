package org.evo2wb.app.ui.finetune;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.evo2wb.app.models.Devices;
import org.evo2wb.app.models.LoadedModel;
import org.evo2wb.app.models.ModelInspection;
import org.evo2wb.app.models.ModelSource;
import org.evo2wb.engine.checkpoint.CheckpointFile;
import org.evo2wb.engine.checkpoint.Checkpoints;
import org.evo2wb.engine.config.Evo2Config;
import org.evo2wb.engine.config.WeightPrecision;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.task.EngineTask;
import org.evo2wb.engine.train.FineTunedModel;

/**
 * Loads the model a run produced (its starting checkpoint with the run's best, else newest, trained weights; LoRA
 * adapters merged) as a model of the workspace, for scoring. See {@link FineTunedModel}.
 */
final class LoadRunModelTask extends EngineTask<LoadedModel> {

    private final Path run;
    private final Devices.Option device;
    private final Precision precision;

    /** Loads on {@code device} in {@code precision} (those of the current model, so the two compare). */
    LoadRunModelTask(Path run, Devices.Option device, Precision precision) {
        super("Load the model of " + run.getFileName());
        this.run = run;
        this.device = device;
        this.precision = precision;
    }

    @Override
    protected LoadedModel call() throws Exception {
        progress(0, -1);
        message("reading " + run.getFileName());
        long t0 = System.nanoTime();
        Evo2Config config = FineTunedModel.config(run);
        Path base = Path.of(FineTunedModel.description(run).sourceCheckpoint());
        Checkpoints.Summary summary;
        try (CheckpointFile f = Checkpoints.open(base)) {
            summary = Checkpoints.describe(f);
        }
        checkCancelled();
        message("loading the starting model and the trained weights");
        FineTunedModel m = FineTunedModel.load(run, device.device(), precision, true);
        String name = run.getFileName() + " (step " + m.step() + (m.best() ? ", best" : "") + ")";
        ModelSource source = new ModelSource(ModelSource.Kind.RUN, name, base, null, null);
        Map<WeightPrecision, ModelInspection.Memory> memory = new EnumMap<>(WeightPrecision.class);
        for (WeightPrecision p : List.of(WeightPrecision.FP32, WeightPrecision.FP16)) {
            memory.put(p, new ModelInspection.Memory(config.weightBytes(p), config.loadPeakBytes(p)));
        }
        ModelInspection inspection = new ModelInspection(source, summary, Files.size(base), config,
                "recorded in " + run.getFileName() + "/run.json", memory, Optional.empty(), List.of());
        return new LoadedModel(inspection, m.model(), device, precision, (System.nanoTime() - t0) / 1e9);
    }
}
