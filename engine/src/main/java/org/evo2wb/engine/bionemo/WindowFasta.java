package org.evo2wb.engine.bionemo;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import org.evo2wb.engine.train.data.TokenWindow;
import org.evo2wb.engine.train.data.WindowSource;

/**
 * Writes windows as FASTA, one record per window, so that the BioNeMo job trains on exactly the windows our split and
 * cut chose: the bases are the window's tokens (case kept, reverse-complemented windows as they are), without the
 * end-of-record mark (the recipe's preprocessing appends its own). The header names the source:
 * {@code >w<index> <record> start=<0-based start> strand=<+|->}.
 */
public final class WindowFasta {

    /** Bases per FASTA line. */
    static final int LINE = 80;

    private WindowFasta() {
    }

    /**
     * The bases of a window: its tokens as characters, without the trailing end-of-record mark (token 0).
     *
     * @throws IllegalArgumentException when a token is not a printable letter (names the record and position)
     */
    public static String bases(TokenWindow w) {
        byte[] t = w.tokens();
        int n = t.length;
        while (n > 0 && t[n - 1] == 0) {
            n--;
        }
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            int c = t[i] & 0xff;
            if (!Character.isLetter(c) && c != '-') {
                throw new IllegalArgumentException("record " + w.record() + ", window at " + w.start() + ": token "
                        + c + " at position " + i + " is not a base letter and cannot be written as FASTA");
            }
            b.append((char) c);
        }
        return b.toString();
    }

    /**
     * Writes every window of {@code windows} to {@code file}.
     *
     * @param cancelled checked between windows; when it answers true the writing stops with an
     *                  {@link java.util.concurrent.CancellationException}
     * @return the number of bases written
     */
    public static long write(WindowSource windows, Path file, BooleanSupplier cancelled) throws IOException {
        long bases = 0;
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            for (int i = 0; i < windows.size(); i++) {
                if (cancelled.getAsBoolean()) {
                    throw new java.util.concurrent.CancellationException("cancelled");
                }
                TokenWindow w = windows.get(i);
                String seq = bases(w);
                out.write(">w" + i + " " + w.record().replaceAll("\\s+", "_") + " start=" + w.start() + " strand="
                        + (w.reverseComplement() ? "-" : "+"));
                out.newLine();
                for (int p = 0; p < seq.length(); p += LINE) {
                    out.write(seq, p, Math.min(LINE, seq.length() - p));
                    out.newLine();
                }
                bases += seq.length();
            }
        }
        return bases;
    }
}
