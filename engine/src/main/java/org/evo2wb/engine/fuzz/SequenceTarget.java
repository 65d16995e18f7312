package org.evo2wb.engine.fuzz;

import java.nio.file.Path;
import java.util.List;
import org.evo2wb.bio.ReadProgress;
import org.evo2wb.bio.SequenceFiles;
import org.evo2wb.bio.SequenceFormat;
import org.evo2wb.bio.SequenceFormatException;

/** The sequence file reader ({@link SequenceFiles}) on seeds of one format. */
final class SequenceTarget extends TextTarget {

    private final SequenceFormat format;

    SequenceTarget(SequenceFormat format, List<String> keywords) {
        super(format.name().toLowerCase(java.util.Locale.ROOT), keywords);
        this.format = format;
    }

    @Override
    public boolean accepts(Path seed) {
        try {
            return SequenceFiles.forEach(seed, ReadProgress.NONE, r -> { }).format() == format;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public Class<? extends Exception> refusal() {
        return SequenceFormatException.class;
    }

    @Override
    public void read(Path input) throws Exception {
        long[] bases = {0};
        SequenceFiles.forEach(input, ReadProgress.NONE, r -> bases[0] += r.sequence().length()
                + r.features().size() + r.warnings().size());
    }
}
