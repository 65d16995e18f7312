package org.evo2wb.engine.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.evo2wb.engine.checkpoint.bionemo.BioNeMoCheckpoint;
import org.evo2wb.engine.config.Evo2Config;

/** Opens any supported weights file by its content, and summarises it. */
public final class Checkpoints {

    private Checkpoints() {}

    /** What a weights file holds, for display before loading. */
    public record Summary(String name, CheckpointFile.Format format, int tensorCount, long totalBytes,
                          Map<StorageType, Integer> dtypeCounts, Optional<Integer> innerMlpSize,
                          List<String> matchingPresets) {

        @Override
        public String toString() {
            return name + ": " + format + ", " + tensorCount + " tensors, " + String.format("%.3f", totalBytes / 1e9)
                    + " GB, dtypes " + dtypeCounts + innerMlpSize.map(i -> ", MLP width " + i).orElse("")
                    + (matchingPresets.isEmpty() ? ", no matching Evo 2 preset" : ", fits " + matchingPresets);
        }
    }

    /**
     * Opens {@code path}: a BioNeMo checkpoint folder (Megatron Bridge, Savanna) as the model it holds; a name ending in
     * {@code .partN} is read with all its sibling shards; otherwise the first bytes decide ({@code PK\3\4} →
     * torch.save zip, a little-endian header length followed by {@code '{'} → safetensors). A torch.save file with
     * Savanna's tensor names is opened as a Savanna checkpoint.
     */
    public static CheckpointFile open(Path path) throws IOException {
        return open(path, Integrity.CHECKED);
    }

    /** {@link #open(Path)}; a {@code .pt} file's CRC-32s are checked as storages are read unless trusted. */
    public static CheckpointFile open(Path path, Integrity integrity) throws IOException {
        if (Files.isDirectory(path) && BioNeMoCheckpoint.isBioNeMoFolder(path)) {
            return BioNeMoCheckpoint.open(path, integrity, null, null);
        }
        if (path.getFileName().toString().matches(".*\\.part\\d+")) {
            return savannaOrPlain(TorchCheckpoint.open(path, integrity), path);
        }
        if (!Files.isRegularFile(path)) {
            throw new CheckpointFormatException(path + ": no such file");
        }
        ByteBuffer head = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        long size;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            size = ch.size();
            while (head.hasRemaining() && ch.read(head) > 0) {
                // fill
            }
        }
        head.flip();
        if (head.remaining() >= 4 && head.getInt(0) == 0x04034b50) {
            return savannaOrPlain(TorchCheckpoint.open(path, integrity), path);
        }
        if (Safetensors.sniff(head.duplicate(), size)) {
            return Safetensors.open(path);
        }
        if (head.remaining() >= 2 && (head.get(0) & 0xff) == 0x80) {
            throw new CheckpointFormatException(path + ": a legacy (pre-zip) torch.save pickle; re-save it with a "
                    + "current PyTorch (torch.save(torch.load(f), g)) to get the zip format");
        }
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(8, head.remaining()); i++) {
            hex.append(String.format("%02x ", head.get(i)));
        }
        throw new CheckpointFormatException(path + ": neither a torch.save zip nor a safetensors file (starts with "
                + hex.toString().trim() + ")");
    }

    /** A Savanna model-state file seen under the released names, or the file as it is. */
    private static CheckpointFile savannaOrPlain(TorchCheckpoint file, Path path) throws IOException {
        if (!BioNeMoCheckpoint.isSavanna(file)) {
            return file;
        }
        try {
            return BioNeMoCheckpoint.savanna(file, path, null);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** Tensor count, bytes, dtypes, the MLP width and the presets whose shapes the file fits. */
    public static Summary describe(CheckpointFile f) {
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
        return new Summary(f.name(), f.format(), f.infos().size(), bytes, dtypes,
                Evo2Config.inferInnerMlpSize(shapes), Evo2Config.presetsMatching(shapes));
    }
}
