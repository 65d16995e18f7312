package org.evo2wb.app.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.evo2wb.bio.SequenceFiles;
import org.evo2wb.bio.SequenceFormatException;
import org.evo2wb.bio.SequenceRecord;
import org.evo2wb.engine.score.Scorer;

/** Sequence files read for a command: every record of every file, in order. */
final class Inputs {

    private Inputs() {
    }

    static List<SequenceRecord> records(List<Path> files) throws IOException, SequenceFormatException {
        List<SequenceRecord> out = new ArrayList<>();
        for (Path f : files) {
            List<SequenceRecord> r = SequenceFiles.read(f);
            if (r.isEmpty()) {
                throw new IOException(f + ": no sequence records in this file");
            }
            out.addAll(r);
        }
        return out;
    }

    /** The records as the model will read them (see {@link CaseOption}). */
    static List<Scorer.Input> scorerInputs(List<SequenceRecord> records, CaseOption letterCase) {
        return records.stream().map(r -> new Scorer.Input(r.id(), letterCase.asRead(r.sequence()))).toList();
    }

    static List<String> sequences(List<Path> files) throws IOException, SequenceFormatException {
        return records(files).stream().map(SequenceRecord::sequence).toList();
    }
}
