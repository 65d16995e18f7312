package org.evo2wb.engine.model;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.evo2wb.engine.checkpoint.CheckpointFile;
import org.evo2wb.engine.checkpoint.StorageType;
import org.evo2wb.engine.checkpoint.TensorInfo;
import org.evo2wb.engine.checkpoint.TorchCheckpoint;

/**
 * What a weights file holds, for display before loading: its tensors, bytes and dtypes, the MLP width it carries and
 * the presets whose shapes it fits.
 */
public record CheckpointSummary(String name, CheckpointFile.Format format, int tensorCount, long totalBytes,
                                Map<StorageType, Integer> dtypeCounts, Optional<Integer> innerMlpSize,
                                List<String> matchingPresets) {

    /** Tensor count, bytes, dtypes, the MLP width and the presets whose shapes the file fits. */
    public static CheckpointSummary of(CheckpointFile f) {
        Map<StorageType, Integer> dtypes = new EnumMap<>(StorageType.class);
        long bytes = 0;
        for (TensorInfo t : f.infos().values()) {
            dtypes.merge(t.type(), 1, Integer::sum);
            bytes += t.byteSize();
        }
        if (f instanceof TorchCheckpoint tc) {
            bytes = tc.storageBytes();
        }
        Map<String, long[]> shapes = new HashMap<>(f.shapes());
        return new CheckpointSummary(f.name(), f.format(), f.infos().size(), bytes, dtypes,
                Evo2Config.inferInnerMlpSize(shapes), Evo2Config.presetsMatching(shapes));
    }

    @Override
    public String toString() {
        return name + ": " + format + ", " + tensorCount + " tensors, " + String.format("%.3f", totalBytes / 1e9)
                + " GB, dtypes " + dtypeCounts + innerMlpSize.map(i -> ", MLP width " + i).orElse("")
                + (matchingPresets.isEmpty() ? ", no matching Evo 2 preset" : ", fits " + matchingPresets);
    }
}
