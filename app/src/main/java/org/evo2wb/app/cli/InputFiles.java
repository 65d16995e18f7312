package org.evo2wb.app.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.evo2wb.bio.SequenceFormatException;
import org.evo2wb.bio.SequenceRecord;
import picocli.CommandLine.Option;

/**
 * {@code --input}: the sequence files a command reads, every record of each in order; the same in every command that
 * reads whole files ({@code @Mixin}).
 */
final class InputFiles {

    @Option(names = "--input", required = true, arity = "1..*", paramLabel = "<file>",
            description = "FASTA, GenBank or EMBL files (plain or gzip/bzip2/xz compressed); every record is read.")
    List<Path> files;

    /** Every record of every file, in order (a file without records is refused, named). */
    List<SequenceRecord> records() throws IOException, SequenceFormatException {
        return Inputs.records(files);
    }
}
