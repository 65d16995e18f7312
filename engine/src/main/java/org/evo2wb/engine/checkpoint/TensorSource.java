package org.evo2wb.engine.checkpoint;

import java.io.IOException;

/**
 * Supplies tensors one at a time to the writers, so an export never needs all weights on the host at once (e.g.
 * copy one parameter from the GPU, write it, drop it).
 */
@FunctionalInterface
public interface TensorSource {

    /** The tensor for {@code key}; its type and shape must equal the layout given to the writer. */
    HostTensor get(String key) throws IOException;
}
