package org.evo2wb.engine.bionemo;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.evo2wb.engine.train.settings.FineTuneSettings;

/** The README of a BioNeMo job: what is in the folder, the steps to run it, and how each setting was carried over. */
final class JobReadme {

    private JobReadme() {
    }

    static String text(BioNeMoJob.Result r, FineTuneSettings s, StartingModel model, SettingMapping mapping,
                       String appVersion) {
        StringBuilder b = new StringBuilder();
        b.append("# Evo 2 fine-tuning job for NVIDIA BioNeMo\n\n")
                .append("Written by Evo2 Workbench ").append(appVersion).append(" for the Evo 2 recipe of BioNeMo (")
                .append(RecipeSource.REPOSITORY).append(", `").append(RecipeSource.RECIPE).append("`), commit `")
                .append(RecipeSource.COMMIT).append("`. The flags below are that commit's; another version of the ")
                .append("recipe may name them differently.\n\n");
        b.append("## What is here\n\n")
                .append(String.format(Locale.ROOT, "- `%s`: %,d training windows (%,d bases), one FASTA record each, "
                        + "exactly as the workbench's split and window settings chose them.%n", BioNeMoJob.TRAIN_FASTA,
                        r.trainWindows(), r.trainBases()))
                .append(String.format(Locale.ROOT, "- `%s`: %,d validation windows (%,d bases).%n",
                        BioNeMoJob.VALIDATION_FASTA, r.validationWindows(), r.validationBases()))
                .append("- `").append(BioNeMoJob.PREPROCESS_CONFIG).append("`: the config for `")
                .append(RecipeSource.PREPROCESS_COMMAND).append("`; each file goes whole into one split, so no record ")
                .append("changes sides.\n")
                .append("- `").append(BioNeMoJob.DATASET_CONFIG).append("`: the training data config "
                        + "(`--dataset-config`); the validation windows also serve as the test split.\n")
                .append("- `").append(BioNeMoJob.PREPARE).append("`: preprocessing and the starting model.\n")
                .append("- `").append(BioNeMoJob.LAUNCH).append("`: the training launch on one node (torchrun).\n")
                .append("- `").append(BioNeMoJob.SLURM).append("`: the Slurm batch script.\n")
                .append("- `").append(BioNeMoJob.SETTINGS).append("`: the workbench settings and the resolved plan.\n\n");
        b.append("## Steps\n\n")
                .append("1. Install the recipe (its Docker image or `pip install -e .` in a checkout of `")
                .append(RecipeSource.RECIPE).append("` at the commit above) and set `RECIPE_DIR` to that folder.\n")
                .append("2. Copy this folder to the cluster.\n");
        if (model.released()) {
            b.append("3. Run `./prepare.sh`: it preprocesses the data and converts the starting model. The workbench ")
                    .append("started from `").append(model.weights().getFileName()).append("`; the recipe trains from ")
                    .append("the matching Savanna checkpoint `").append(model.savannaRepo()).append("` (the released ")
                    .append("vortex `.pt` files lack what training needs), which `").append(RecipeSource.SAVANNA_CONVERTER)
                    .append("` fetches from Hugging Face and converts to a Megatron Bridge checkpoint in `model/mbridge` ")
                    .append("(or set `CKPT_DIR` to one you already have).\n");
        } else {
            b.append("3. The starting model is weights of your own (`").append(model.weights().getFileName())
                    .append("`, recipe model size `").append(model.modelSize()).append("`). Export them as a vortex ")
                    .append("`.pt` file from the workbench (`evo2wb export`), copy it here and convert it to a Megatron ")
                    .append("Bridge checkpoint with the vortex → Megatron Bridge converter (bionemo-framework PR #1702; ")
                    .append("it is not in the recipe at the commit above, and its long-filter weights are an ")
                    .append("estimate): set `VORTEX_WEIGHTS` to the file and `VORTEX_TO_MBRIDGE` to the converter ")
                    .append("command (called as `$VORTEX_TO_MBRIDGE <weights.pt> <output dir> <model size>`), then run ")
                    .append("`./prepare.sh`. Alternatively set `CKPT_DIR` to a converted checkpoint. To start from ")
                    .append("the released model instead, convert `").append(model.savannaRepo()).append("` with `")
                    .append(RecipeSource.SAVANNA_CONVERTER).append("`.\n");
        }
        b.append("4. Submit: `RECIPE_DIR=... sbatch --nodes=N --gpus-per-node=G job.sbatch` (or run `NNODES=1 ")
                .append("GPUS_PER_NODE=G ./train_evo2.sh` on one machine). Extra arguments are passed on to `")
                .append(RecipeSource.TRAIN_COMMAND).append("` (for example `--tensor-model-parallel-size 2` for a model ")
                .append("that does not fit one GPU).\n")
                .append("5. Checkpoints and logs go to `results/` (`RESULT_DIR`). Megatron Bridge checkpoints can be ")
                .append("exported to the vortex format with the recipe's `evo2_export_mbridge_to_vortex`.\n\n");
        b.append("## Batch size\n\n")
                .append("`GLOBAL_BATCH_SIZE` defaults to the workbench's effective batch (batch size × gradient ")
                .append("accumulation = ").append(s.get(org.evo2wb.engine.train.settings.FineTuneParameters.BATCH_SIZE)
                        * s.get(org.evo2wb.engine.train.settings.FineTuneParameters.GRAD_ACCUMULATION))
                .append(" windows per step), so the steps and the learning-rate curve are the workbench's. It must be a ")
                .append("multiple of `MICRO_BATCH_SIZE` × the number of GPUs; the recipe derives its gradient ")
                .append("accumulation from them. Raising it for many GPUs changes the optimisation: consider ")
                .append("raising the learning rate and lowering `--max-steps` with it.\n\n");
        b.append("## Data\n\n")
                .append("Each window is one FASTA record (`>w<index> <record> start=<0-based start> strand=<+|->`): ")
                .append("the window length, stride, validation split, reverse-complement augmentation, N filter and ")
                .append("short-record policy are already applied. The recipe appends an end-of-document token to each ")
                .append("record and packs the records into samples of `--seq-length` tokens, so a sample can span two ")
                .append("of our windows.\n\n");
        b.append("## Settings\n\n| setting | value | in the job | note |\n|---|---|---|---|\n");
        for (SettingMapping.Entry e : mapping.entries()) {
            b.append("| ").append(e.setting()).append(" | ").append(e.value()).append(" | ").append(where(e))
                    .append(" | ").append(e.note()).append(" |\n");
        }
        b.append("\n## Settings with no equivalent in the recipe\n\n");
        if (mapping.unmapped().isEmpty()) {
            b.append("None.\n");
        } else {
            for (SettingMapping.Entry e : mapping.unmapped()) {
                b.append("- **").append(e.setting()).append("** = ").append(e.value()).append(": ").append(e.note())
                        .append(".\n");
            }
        }
        return b.toString();
    }

    private static String where(SettingMapping.Entry e) {
        return switch (e.how()) {
            case FLAG -> e.flags().isEmpty() ? "recipe default" : e.flags().entrySet().stream()
                    .map(JobReadme::flagText).collect(Collectors.joining(" "));
            case PARAMETER -> e.flags().entrySet().stream().map(JobReadme::flagText)
                    .collect(Collectors.joining(" ")) + " (default)";
            case DATA -> "exported data";
            case NONE -> "**no equivalent**";
            case UNUSED -> "not used";
        };
    }

    private static String flagText(Map.Entry<String, String> f) {
        return "`" + f.getKey() + (f.getValue() == null ? "" : " " + f.getValue()) + "`";
    }
}
