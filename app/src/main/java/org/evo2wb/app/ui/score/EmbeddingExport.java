package org.evo2wb.app.ui.score;

import org.evo2wb.engine.embed.EmbeddingFile;

/**
 * What an embeddings export of the Score view writes, as {@code evo2wb embed} takes it.
 *
 * @param layers comma-separated layer names ({@code blocks.4}, {@code blocks.6.mlp.l3}, …)
 * @param mean mean-pooled over the stretch (else one row per base)
 * @param format the file format
 */
record EmbeddingExport(String layers, boolean mean, EmbeddingFile.Format format) {

    /** The file name's ending for the format. */
    String suffix() {
        return switch (format) {
            case SAFETENSORS -> ".safetensors";
            case NPY -> ".npy";
            case CSV -> ".csv";
        };
    }
}
