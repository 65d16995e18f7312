package org.evo2wb.engine.load.bionemo;

import java.io.Closeable;
import java.io.IOException;
import java.util.Map;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.TensorInfo;

/** Tensors under the names a training framework saved them with (Megatron Bridge names, after any renaming). */
interface NamedTensors extends Closeable {

    /** The file or folder, for messages. */
    String name();

    /** Type and shape of every tensor, without reading data. */
    Map<String, TensorInfo> infos();

    /** One tensor. */
    HostTensor tensor(String key) throws IOException;
}
