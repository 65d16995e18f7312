package org.evo2wb.engine.bionemo;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Locale;
import java.util.Map;
import org.evo2wb.engine.train.settings.FineTuneSettings;
import org.evo2wb.engine.train.TrainingPlan;

/** The texts of a BioNeMo job's configs, scripts and README ({@link BioNeMoJob} writes them). */
final class JobFiles {

    /** Output prefixes of the preprocessing step, one per side of the split. */
    static final String TRAIN_PREFIX = "train";
    static final String VALIDATION_PREFIX = "validation";

    private final FineTuneSettings settings;
    private final TrainingPlan plan;
    private final SettingMapping mapping;
    private final StartingModel model;

    JobFiles(FineTuneSettings settings, TrainingPlan plan, SettingMapping mapping, StartingModel model) {
        this.settings = settings;
        this.plan = plan;
        this.mapping = mapping;
        this.model = model;
    }

    /** The preprocessed file prefix {@code preprocess_evo2} writes for one side ({@code train_..._train}). */
    static String preprocessed(String prefix, String split) {
        return prefix + "_" + RecipeSource.TOKENIZER_SUFFIX + "_" + split;
    }

    /**
     * {@code preprocess_evo2}'s config: a list with one entry per FASTA; each puts all its records into one split
     * (the other splits at 0), so no record changes sides. Case, strand and windows are kept as written.
     */
    String preprocessConfig() {
        return entry("data/train.fasta", TRAIN_PREFIX, "1.0", "0.0") + entry("data/validation.fasta",
                VALIDATION_PREFIX, "0.0", "1.0");
    }

    private String entry(String fasta, String prefix, String train, String valid) {
        return "- datapaths: [\"" + fasta + "\"]\n"
                + "  output_dir: \"data/preprocessed\"\n"
                + "  output_prefix: " + prefix + "\n"
                + "  train_split: " + train + "\n"
                + "  valid_split: " + valid + "\n"
                + "  test_split: 0.0\n"
                + "  overwrite: true\n"
                + "  embed_reverse_complement: false\n"
                + "  random_reverse_complement: 0.0\n"
                + "  random_lineage_dropout: 0.0\n"
                + "  force_uppercase: false\n"
                + "  indexed_dataset_dtype: \"uint8\"\n"
                + "  append_eod: true\n"
                + "  drop_empty_sequences: false\n"
                + "  nnn_filter: false\n"
                + "  workers: 1\n"
                + "  seed: " + settings.text(org.evo2wb.engine.train.settings.FineTuneParameters.SEED) + "\n";
    }

    /** {@code train_evo2 --dataset-config}: the two preprocessed sides; the validation side also serves as test. */
    String datasetConfig() {
        return "- dataset_prefix: " + preprocessed(TRAIN_PREFIX, "train") + "\n"
                + "  dataset_split: train\n"
                + "  dataset_weight: 1.0\n"
                + "- dataset_prefix: " + preprocessed(VALIDATION_PREFIX, "val") + "\n"
                + "  dataset_split: validation\n"
                + "  dataset_weight: 1.0\n"
                + "- dataset_prefix: " + preprocessed(VALIDATION_PREFIX, "val") + "\n"
                + "  dataset_split: test\n"
                + "  dataset_weight: 1.0\n";
    }

    private static final String HEADER = "#!/usr/bin/env bash\n"
            + "# Written by Evo2 Workbench for NVIDIA BioNeMo's Evo 2 recipe (" + RecipeSource.RECIPE + ",\n"
            + "# commit " + RecipeSource.COMMIT + "). See README.md.\n"
            + "set -euo pipefail\n"
            + "JOB_DIR=\"$(cd \"$(dirname \"${BASH_SOURCE[0]}\")\" && pwd)\"\n"
            + "cd \"$JOB_DIR\"\n"
            + ": \"${RECIPE_DIR:?set RECIPE_DIR to your checkout of " + RecipeSource.RECIPE + "}\"\n"
            + "TOKENIZER_PATH=\"${TOKENIZER_PATH:-$RECIPE_DIR/tokenizers/" + RecipeSource.TOKENIZER_SUFFIX + "}\"\n"
            + "CKPT_DIR=\"${CKPT_DIR:-$JOB_DIR/model/mbridge}\"\n";

    /** Preprocessing, then the starting model as a Megatron Bridge checkpoint in {@code CKPT_DIR}. */
    String prepareScript() {
        StringBuilder b = new StringBuilder(HEADER);
        b.append("\n# 1. Our windows into the recipe's indexed format (data/preprocessed).\n");
        b.append(RecipeSource.PREPROCESS_COMMAND).append(" --config '").append(BioNeMoJob.PREPROCESS_CONFIG)
                .append("'\n");
        b.append("\n# 2. The starting model as a Megatron Bridge checkpoint.\n");
        b.append("if [ -e \"$CKPT_DIR\" ]; then\n  echo \"starting model already in $CKPT_DIR\"\n");
        if (model.released()) {
            b.append("else\n  ").append(RecipeSource.SAVANNA_CONVERTER)
                    .append(" --savanna-ckpt-path '").append(model.savannaRepo())
                    .append("' --mbridge-ckpt-dir \"$CKPT_DIR\" --model-size '").append(model.modelSize())
                    .append("' --tokenizer-path \"$TOKENIZER_PATH\" --seq-length ").append(model.seqLength())
                    .append("\nfi\n");
        } else {
            b.append("else\n")
                    .append("  # Our own weights (").append(model.weights().getFileName()).append(") must be converted ")
                    .append("from the vortex format to Megatron Bridge.\n")
                    .append("  # The recipe at the commit above has no vortex -> Megatron Bridge converter; it comes ")
                    .append("with\n  # bionemo-framework PR #1702 (long-filter weights are estimated). Set ")
                    .append("VORTEX_TO_MBRIDGE to its command.\n")
                    .append("  : \"${VORTEX_TO_MBRIDGE:?set VORTEX_TO_MBRIDGE to the vortex -> Megatron Bridge ")
                    .append("converter command (README step 3), or CKPT_DIR to a converted checkpoint}\"\n")
                    .append("  : \"${VORTEX_WEIGHTS:?set VORTEX_WEIGHTS to the .pt file exported from the workbench}\"\n")
                    .append("  $VORTEX_TO_MBRIDGE \"$VORTEX_WEIGHTS\" \"$CKPT_DIR\" '").append(model.modelSize())
                    .append("'\nfi\n");
        }
        return b.toString();
    }

    /** The launch on one node (torchrun); {@code job.sbatch} runs it on every node. */
    String launchScript() {
        StringBuilder b = new StringBuilder(HEADER);
        int micro = settings.get(org.evo2wb.engine.train.settings.FineTuneParameters.BATCH_SIZE);
        int global = micro * settings.get(org.evo2wb.engine.train.settings.FineTuneParameters.GRAD_ACCUMULATION);
        b.append("NNODES=\"${NNODES:-1}\"\n")
                .append("GPUS_PER_NODE=\"${GPUS_PER_NODE:-1}\"\n")
                .append("MICRO_BATCH_SIZE=\"${MICRO_BATCH_SIZE:-").append(micro).append("}\"   # our batch size\n")
                .append("GLOBAL_BATCH_SIZE=\"${GLOBAL_BATCH_SIZE:-").append(global)
                .append("}\"   # our batch size x gradient accumulation\n")
                .append("RESULT_DIR=\"${RESULT_DIR:-$JOB_DIR/results}\"\n")
                .append("MASTER_ADDR=\"${MASTER_ADDR:-localhost}\"\n")
                .append("MASTER_PORT=\"${MASTER_PORT:-29500}\"\n")
                .append("GPUS=$((NNODES * GPUS_PER_NODE))\n")
                .append("if (( GLOBAL_BATCH_SIZE % (MICRO_BATCH_SIZE * GPUS) != 0 )); then\n")
                .append("  echo \"GLOBAL_BATCH_SIZE=$GLOBAL_BATCH_SIZE is not a multiple of MICRO_BATCH_SIZE=")
                .append("$MICRO_BATCH_SIZE x $GPUS GPUs: lower MICRO_BATCH_SIZE or raise GLOBAL_BATCH_SIZE (README)\" >&2\n")
                .append("  exit 2\nfi\n")
                .append("for f in data/preprocessed/").append(preprocessed(TRAIN_PREFIX, "train"))
                .append(".bin data/preprocessed/").append(preprocessed(VALIDATION_PREFIX, "val"))
                .append(".bin \"$CKPT_DIR\"; do\n")
                .append("  [ -e \"$f\" ] || { echo \"$f is missing: run ./prepare.sh first\" >&2; exit 2; }\ndone\n\n")
                .append("torchrun --nnodes \"$NNODES\" --nproc-per-node \"$GPUS_PER_NODE\" \\\n")
                .append("  --rdzv-backend c10d --rdzv-endpoint \"$MASTER_ADDR:$MASTER_PORT\" --rdzv-id ")
                .append("\"${SLURM_JOB_ID:-evo2wb}\" \\\n")
                .append("  --no-python ").append(RecipeSource.TRAIN_COMMAND).append(" \\\n")
                .append("  --dataset-config '").append(BioNeMoJob.DATASET_CONFIG).append("' \\\n")
                .append("  --dataset-dir \"$JOB_DIR/data/preprocessed\" \\\n")
                .append("  --model-size '").append(model.modelSize()).append("' \\\n")
                .append("  --finetune-ckpt-dir \"$CKPT_DIR\" \\\n")
                .append("  --hf-tokenizer-model-path \"$TOKENIZER_PATH\" \\\n")
                .append("  --result-dir \"$RESULT_DIR\" \\\n")
                .append("  --experiment-name evo2wb \\\n")
                .append("  --micro-batch-size \"$MICRO_BATCH_SIZE\" \\\n")
                .append("  --global-batch-size \"$GLOBAL_BATCH_SIZE\"");
        for (Map.Entry<String, String> f : mapping.flags().entrySet()) {
            b.append(" \\\n  ").append(f.getKey());
            if (f.getValue() != null) {
                b.append(" '").append(f.getValue()).append("'");
            }
        }
        b.append(" \\\n  \"$@\"\n");
        return b.toString();
    }

    /** Slurm: one task per node, each running the launch script; nodes and GPUs per node from sbatch's options. */
    String slurmScript() {
        String time = settings.get(org.evo2wb.engine.train.settings.FineTuneParameters.MAX_TIME).isZero() ? "24:00:00"
                : slurmTime(settings.get(org.evo2wb.engine.train.settings.FineTuneParameters.MAX_TIME).toSeconds());
        return "#!/usr/bin/env bash\n"
                + "# Evo 2 fine-tuning with NVIDIA BioNeMo (see README.md). Choose nodes and GPUs per node when you "
                + "submit:\n"
                + "#   RECIPE_DIR=/path/to/evo2_megatron sbatch --nodes=2 --gpus-per-node=8 job.sbatch\n"
                + "#SBATCH --job-name=evo2wb-finetune\n"
                + "#SBATCH --nodes=1\n"
                + "#SBATCH --gpus-per-node=1\n"
                + "#SBATCH --ntasks-per-node=1\n"
                + "#SBATCH --exclusive\n"
                + "#SBATCH --time=" + time + "\n"
                + "set -euo pipefail\n"
                + "export NNODES=\"${SLURM_JOB_NUM_NODES:-1}\"\n"
                + "export GPUS_PER_NODE=\"${GPUS_PER_NODE:-${SLURM_GPUS_PER_NODE:-${SLURM_GPUS_ON_NODE:-1}}}\"\n"
                + "export GPUS_PER_NODE=\"${GPUS_PER_NODE##*:}\"\n"
                + "export MASTER_ADDR=\"$(scontrol show hostnames \"$SLURM_JOB_NODELIST\" | head -n 1)\"\n"
                + "export MASTER_PORT=\"${MASTER_PORT:-29500}\"\n"
                + "JOB_DIR=\"${SLURM_SUBMIT_DIR:-$(pwd)}\"\n"
                + "srun --ntasks-per-node=1 bash \"$JOB_DIR/" + BioNeMoJob.LAUNCH + "\" \"$@\"\n";
    }

    static String slurmTime(long seconds) {
        long s = Math.max(60, seconds);
        return String.format(Locale.ROOT, "%d-%02d:%02d:%02d", s / 86400, s % 86400 / 3600, s % 3600 / 60, s % 60);
    }

    String settingsJson(BioNeMoJob.Result r) {
        JsonObject o = new JsonObject();
        o.addProperty("recipe", RecipeSource.REPOSITORY + "/tree/" + RecipeSource.COMMIT + "/" + RecipeSource.RECIPE);
        o.add("settings", settings.toJson());
        o.add("plan", plan.toJson());
        JsonObject m = new JsonObject();
        m.addProperty("model-size", model.modelSize());
        m.addProperty("savanna-checkpoint", model.savannaRepo());
        m.addProperty("released", model.released());
        m.addProperty("weights", model.weights().toString());
        o.add("starting-model", m);
        JsonObject d = new JsonObject();
        d.addProperty("train-windows", r.trainWindows());
        d.addProperty("validation-windows", r.validationWindows());
        d.addProperty("train-bases", r.trainBases());
        d.addProperty("validation-bases", r.validationBases());
        o.add("data", d);
        JsonArray none = new JsonArray();
        mapping.unmapped().forEach(e -> none.add(e.setting()));
        o.add("without-equivalent", none);
        return new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(o) + "\n";
    }

    String readme(BioNeMoJob.Result r, String appVersion) {
        return JobReadme.text(r, settings, model, mapping, appVersion);
    }
}
