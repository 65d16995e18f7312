package org.evo2wb.engine.checkpoint;

import java.io.Closeable;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An open weights file of any supported format ({@code .pt}, {@code .pt.partN} shards, {@code .safetensors}, BioNeMo's
 * Megatron Bridge folders and Savanna files).
 * Tensors are memory-mapped where the layout allows, so opening costs no heap; read them one at a time to convert
 * with a bounded footprint.
 */
public interface CheckpointFile extends Closeable {

    /**
     * Container formats; {@code MEGATRON_BRIDGE} and {@code SAVANNA} are BioNeMo checkpoints seen under the released
     * names ({@link org.evo2wb.engine.load.bionemo.BioNeMoCheckpoint}).
     */
    enum Format { TORCH_ZIP, TORCH_ZIP_SHARDS, SAFETENSORS, MEGATRON_BRIDGE, SAVANNA }

    /** File name (or first shard) for messages. */
    String name();

    Format format();

    /** Type and shape of every tensor, in file order, without reading data. */
    Map<String, TensorInfo> infos();

    /** One tensor (memory-mapped when contiguous in the file). */
    HostTensor tensor(String key) throws IOException;

    /** All tensors in file order. */
    default Map<String, HostTensor> tensors() throws IOException {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (String k : infos().keySet()) {
            out.put(k, tensor(k));
        }
        return out;
    }

    /** Shapes by key, the form {@link CheckpointKeys} compares against the model's expectation. */
    default Map<String, long[]> shapes() {
        Map<String, long[]> out = new LinkedHashMap<>();
        infos().forEach((k, v) -> out.put(k, v.shape()));
        return out;
    }
}
