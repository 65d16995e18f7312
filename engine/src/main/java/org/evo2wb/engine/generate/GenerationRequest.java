package org.evo2wb.engine.generate;

import java.nio.charset.StandardCharsets;

/**
 * What to generate: {@code samples} continuations of {@code length} bases each after a prompt.
 *
 * @param promptName where the prompt came from (record id or "prompt"), for headers
 * @param prompt the prompt's letters, fed to the model exactly as given (Evo 2 is case-sensitive)
 * @param length bases to generate per sample
 * @param samples continuations drawn side by side
 * @param sampling how each base is drawn
 */
public record GenerationRequest(String promptName, String prompt, int length, int samples,
                                SamplingSettings sampling) {

    /** Most samples drawn side by side in one generation. */
    public static final int MAX_SAMPLES = 64;

    public GenerationRequest {
        if (prompt == null || prompt.isEmpty()) {
            throw new IllegalArgumentException("the prompt is empty: give at least one base");
        }
        for (int i = 0; i < prompt.length(); i++) {
            char c = prompt.charAt(i);
            if (c < 33 || c > 126) {
                throw new IllegalArgumentException("the prompt holds '" + (Character.isWhitespace(c) ? "whitespace"
                        : String.valueOf(c)) + "' at position " + (i + 1)
                        + "; only printable ASCII letters (A, C, G, T, N, …) can be fed to the model");
            }
        }
        if (length < 1) {
            throw new IllegalArgumentException("length must be at least 1 base, got " + length);
        }
        if (samples < 1 || samples > MAX_SAMPLES) {
            throw new IllegalArgumentException("samples must be between 1 and " + MAX_SAMPLES + ", got " + samples);
        }
    }

    /** The prompt's token ids (its bytes, as the Evo 2 tokenizer gives). */
    public int[] promptIds() {
        byte[] b = prompt.getBytes(StandardCharsets.US_ASCII);
        int[] ids = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            ids[i] = b[i];
        }
        return ids;
    }
}
