package org.evo2wb.app.models;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.evo2wb.engine.checkpoint.CheckpointFile;
import org.evo2wb.engine.checkpoint.CheckpointKeys;
import org.evo2wb.engine.model.CheckpointSummary;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.model.WeightPrecision;
import org.evo2wb.engine.load.bionemo.BioNeMoCheckpoint;
import org.evo2wb.engine.model.ModelArchitecture;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.train.run.FineTunedModel;
import org.evo2wb.engine.train.run.RunFolder;

/**
 * What a model source holds, read before loading: the weights file's summary, the config chosen or inferred for
 * it, the figures derived from that config, and every reason it cannot be loaded.
 *
 * @param source the files
 * @param summary tensors, bytes, dtypes and matching presets of the weights
 * @param fileBytes bytes of the weights on disk (all shards)
 * @param config the config used (MLP width taken from the weights), or null when none could be chosen
 * @param configOrigin where the config came from, for the user ("tiny.yml next to the weights", "preset …")
 * @param memory weights and peak load memory per precision (fp32, fp16), empty without a config
 * @param fp8Warning the FP8 advice for the 1B, 20B and 40B models
 * @param problems why the model cannot be loaded with this config (empty when it can)
 */
public record ModelInspection(ModelSource source, CheckpointSummary summary, long fileBytes, Evo2Config config,
                              String configOrigin, Map<WeightPrecision, Memory> memory, Optional<String> fp8Warning,
                              List<String> problems) {

    /** Bytes of memory a precision needs. */
    public record Memory(long weights, long loadPeak) {}

    /** How the config is chosen: a file, a preset name, or neither (then: next to the weights, else inferred). */
    public record ConfigChoice(Path file, String preset) {

        public static final ConfigChoice AUTOMATIC = new ConfigChoice(null, null);

        public static ConfigChoice file(Path file) {
            return new ConfigChoice(file, null);
        }

        public static ConfigChoice preset(String name) {
            return new ConfigChoice(null, name);
        }
    }

    public boolean loadable() {
        return config != null && problems.isEmpty();
    }

    /** The model's parameters, or 0 without a config or for a layout the engine does not build. */
    public long parameterCount() {
        try {
            return config == null ? 0 : config.parameterCount();
        } catch (IllegalArgumentException e) {
            return 0;
        }
    }

    /** The same figures for another source (a loaded run, renamed after the checkpoint it loaded). */
    public ModelInspection withSource(ModelSource other) {
        return new ModelInspection(other, summary, fileBytes, config, configOrigin, memory, fp8Warning, problems);
    }

    /** Block pattern letters (S hcs, D hcm, H hcl, * attention), empty without a config. */
    public String pattern() {
        return config == null ? "" : config.pattern();
    }

    /** Reads the weights' header and applies the config choice. */
    public static ModelInspection inspect(ModelSource source, ConfigChoice choice) throws IOException {
        CheckpointSummary summary;
        Map<String, long[]> shapes;
        Evo2Config recorded = null;
        String recordedOrigin = null;
        try (CheckpointFile f = BioNeMoCheckpoint.openAny(source.weights(), org.evo2wb.engine.checkpoint.Integrity.CHECKED)) {
            summary = CheckpointSummary.of(f);
            shapes = new LinkedHashMap<>(f.shapes());
            if (f instanceof BioNeMoCheckpoint b && b.format() == CheckpointFile.Format.MEGATRON_BRIDGE) {
                recorded = b.config();
                recordedOrigin = b.configOrigin();
            }
        }
        long bytes = source.weightBytes();
        List<String> problems = new ArrayList<>();
        Evo2Config config = null;
        String origin;
        if (source.kind() == ModelSource.Kind.RUN) {
            config = FineTunedModel.config(source.run());
            origin = "recorded in " + source.run().getFileName() + "/" + RunFolder.RECORD;
        } else if (choice.file() != null) {
            config = Evo2Config.load(choice.file());
            origin = choice.file().getFileName() + " (chosen)";
        } else if (choice.preset() != null) {
            config = Evo2Config.preset(choice.preset());
            origin = "preset " + choice.preset() + " (chosen)";
        } else if (recorded != null) {
            config = recorded;
            origin = recordedOrigin;
        } else if (source.config() != null) {
            config = Evo2Config.load(source.config());
            origin = source.config().getFileName() + " next to the weights";
        } else if (!summary.matchingPresets().isEmpty()) {
            String p = summary.matchingPresets().get(0);
            config = Evo2Config.preset(p);
            origin = "preset " + p + ", inferred from the tensor shapes"
                    + (summary.matchingPresets().size() > 1 ? " (also fits " + String.join(", ",
                    summary.matchingPresets().subList(1, summary.matchingPresets().size()))
                    + "; the context length differs)" : "");
        } else {
            origin = "none";
            problems.add("No config was found next to " + source.weights().getFileName() + " and its tensor shapes "
                    + "fit no Evo 2 preset: choose the model's config YAML.");
        }
        Map<WeightPrecision, Memory> memory = new EnumMap<>(WeightPrecision.class);
        Optional<String> fp8 = Optional.empty();
        if (config != null) {
            Evo2Config fitted = config.withInnerMlpSizeFrom(shapes);     // 1M checkpoints pad the MLP width
            checkFits(source, fitted, shapes, problems);
            config = problems.isEmpty() ? fitted : config;
            try {
                for (WeightPrecision p : List.of(WeightPrecision.FP32, WeightPrecision.FP16)) {
                    memory.put(p, new Memory(config.weightBytes(p), config.loadPeakBytes(p)));
                }
            } catch (IllegalArgumentException e) {
                memory.clear();                                  // a layout the engine does not build: listed above
            }
            fp8 = config.fp8Warning(source.weights().getFileName().toString());
        }
        return new ModelInspection(source, summary, bytes, config, origin, memory, fp8, List.copyOf(problems));
    }

    private static void checkFits(ModelSource source, Evo2Config config, Map<String, long[]> shapes,
                                  List<String> problems) {
        String name = source.weights().getFileName().toString();
        try {
            ModelArchitecture arch = ModelArchitecture.of(config, name);
            Map<String, long[]> expected = new LinkedHashMap<>();
            StripedHyena.expectedParameters(arch).forEach((k, e) -> expected.put(k, e.shape()));
            CheckpointKeys.check(name, expected, shapes);
        } catch (IllegalArgumentException | IOException e) {
            problems.add("The config does not fit the weights: " + e.getMessage());
        }
    }
}
