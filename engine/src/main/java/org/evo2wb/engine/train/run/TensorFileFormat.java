package org.evo2wb.engine.train.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.evo2wb.engine.checkpoint.HostTensor;

/** A file format for named tensors, as the run folder uses it for weights and optimiser state. */
public interface TensorFileFormat {

    /** File name extension without the dot. */
    String extension();

    /** Writes the tensors (in map order) and string metadata to {@code file} (not atomically: the caller is). */
    void write(Path file, Map<String, HostTensor> tensors, Map<String, String> metadata) throws IOException;

    /** Reads every tensor; errors name the file and the tensor. */
    Map<String, HostTensor> read(Path file) throws IOException;
}
