package org.evo2wb.bio;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** Reproducible random genomes written as FASTA, plain or compressed, for streaming and memory tests. */
final class SyntheticGenome {

    private SyntheticGenome() {}

    /** Random ACGT bases (soft-masked stretch in the middle when {@code masked}). */
    static String bases(int length, long seed, boolean masked) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) "ACGT".charAt(r.nextInt(4));
            if (masked && i > length / 2 && i < length / 2 + 1000) {
                b[i] = (byte) Character.toLowerCase(b[i]);
            }
        }
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /**
     * Writes records {@code name_i} with the given sequences; {@code width} 0 writes each sequence on one line.
     * {@code how}: "plain", "gzip" or "xz".
     */
    static Path write(Path file, String how, int width, String... sequences) throws IOException {
        try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
                OutputStream out = switch (how) {
                    case "gzip" -> new GZIPOutputStream(raw, 1 << 16);
                    case "xz" -> new XZOutputStream(raw, new LZMA2Options(0));
                    default -> raw;
                }) {
            for (int s = 0; s < sequences.length; s++) {
                out.write((">seq_" + s + " synthetic record " + s + "\n").getBytes(StandardCharsets.US_ASCII));
                byte[] b = sequences[s].getBytes(StandardCharsets.ISO_8859_1);
                int step = width == 0 ? b.length : width;
                for (int i = 0; i < b.length; i += step) {
                    out.write(b, i, Math.min(step, b.length - i));
                    out.write('\n');
                }
            }
        }
        return file;
    }
}
