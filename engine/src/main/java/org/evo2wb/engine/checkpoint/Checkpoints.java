package org.evo2wb.engine.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Opens any supported weights file by its content, and summarises it. */
public final class Checkpoints {

    private Checkpoints() {}

    /**
     * Opens {@code path}: a name ending in {@code .partN} is read with all its sibling shards; otherwise the first
     * bytes decide ({@code PK\3\4} → torch.save zip, a little-endian header length followed by {@code '{'} →
     * safetensors).
     */
    public static CheckpointFile open(Path path) throws IOException {
        return open(path, Integrity.CHECKED);
    }

    /** {@link #open(Path)}; a {@code .pt} file's CRC-32s are checked as storages are read unless trusted. */
    public static CheckpointFile open(Path path, Integrity integrity) throws IOException {
        if (path.getFileName().toString().matches(".*\\.part\\d+")) {
            return TorchCheckpoint.open(path, integrity);
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
            return TorchCheckpoint.open(path, integrity);
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
}
