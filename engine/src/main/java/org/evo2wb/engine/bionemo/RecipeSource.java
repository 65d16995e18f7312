package org.evo2wb.engine.bionemo;

/**
 * The BioNeMo Evo 2 recipe that an exported job is written for: the repository, the recipe folder and the commit whose
 * {@code train_evo2} arguments, preprocessing config and LoRA module names the mapping follows. A job for another
 * version of the recipe may need other flags; the job's README names this commit.
 */
public final class RecipeSource {

    /** The repository holding the recipe. */
    public static final String REPOSITORY = "https://github.com/NVIDIA/bionemo-framework";

    /** The recipe inside it. */
    public static final String RECIPE = "bionemo-recipes/recipes/evo2_megatron";

    /** The commit the flag mapping was checked against. */
    public static final String COMMIT = "3a9d005bffaa711e5964211d3ba34c5e373eb624";

    /** The recipe's training command ({@code bionemo.evo2.run.train}). */
    public static final String TRAIN_COMMAND = "train_evo2";

    /** The recipe's preprocessing command ({@code bionemo.evo2.data.preprocess}). */
    public static final String PREPROCESS_COMMAND = "preprocess_evo2";

    /** The recipe's Savanna → Megatron Bridge converter. */
    public static final String SAVANNA_CONVERTER = "evo2_convert_savanna_to_mbridge";

    /**
     * The name suffix the preprocessing step gives its output files with the recipe's default tokenizer
     * ({@code nucleotide_fast_tokenizer_256}): {@code <output_prefix>_nucleotide_fast_tokenizer_256_<split>.bin}.
     */
    public static final String TOKENIZER_SUFFIX = "nucleotide_fast_tokenizer_256";

    private RecipeSource() {
    }
}
