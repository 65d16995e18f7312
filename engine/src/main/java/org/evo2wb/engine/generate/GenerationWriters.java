package org.evo2wb.engine.generate;

import java.io.IOException;
import java.io.Writer;
import java.util.Locale;

/** Writes generated samples as FASTA, with the QC figures and settings in each header. */
public final class GenerationWriters {

    /** Bases per FASTA line (NCBI's width). */
    public static final int LINE_WIDTH = 60;

    private GenerationWriters() {
    }

    /** The FASTA name of a sample: {@code <prompt name>_sample<n>} (1-based), whitespace replaced. */
    public static String sampleId(Generation g, GeneratedSample s) {
        return g.request().promptName().replaceAll("\\s+", "_") + "_sample" + (s.index() + 1);
    }

    /** The header after the name: length, QC, mean log-likelihood, prompt length and sampling settings. */
    public static String header(Generation g, GeneratedSample s) {
        return String.format(Locale.ROOT, "length=%d %s mean_loglik=%.4f prompt_length=%d %s%s", s.bases().length(),
                s.qc().describe(), s.meanLogLikelihood(), g.request().prompt().length(), g.request().sampling().describe(),
                g.stopped() ? " stopped=true" : "");
    }

    /** Every sample of a generation as FASTA records. */
    public static void fasta(Writer out, Generation g) throws IOException {
        for (GeneratedSample s : g.samples()) {
            out.write('>' + sampleId(g, s) + ' ' + header(g, s) + '\n');
            String b = s.bases();
            for (int i = 0; i < b.length(); i += LINE_WIDTH) {
                out.write(b, i, Math.min(LINE_WIDTH, b.length() - i));
                out.write('\n');
            }
        }
    }
}
