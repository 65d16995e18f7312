package org.evo2wb.engine.train.run;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.StorageType;

/**
 * A minimal tensor container used for training state: magic {@code EVO2WBT1}, metadata count and (key, value) UTF
 * strings, tensor count, then per tensor: name, storage type name, rank, dimensions (int64), byte count (int64),
 * raw little-endian bytes. Big-endian framing (Java {@code DataOutput}); payloads little-endian.
 */
public final class SimpleTensorFile implements TensorFileFormat {

    private static final String MAGIC = "EVO2WBT1";

    @Override
    public String extension() {
        return "tensors";
    }

    @Override
    public void write(Path file, Map<String, HostTensor> tensors, Map<String, String> metadata) throws IOException {
        try (OutputStream os = Files.newOutputStream(file);
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 20))) {
            out.writeBytes(MAGIC);
            out.writeInt(metadata.size());
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
            out.writeInt(tensors.size());
            byte[] chunk = new byte[1 << 16];
            for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
                HostTensor t = e.getValue();
                out.writeUTF(e.getKey());
                out.writeUTF(t.type().name());
                out.writeInt(t.shape().length);
                for (long d : t.shape()) {
                    out.writeLong(d);
                }
                ByteBuffer data = t.data().duplicate();
                out.writeLong(data.remaining());
                while (data.hasRemaining()) {
                    int n = Math.min(chunk.length, data.remaining());
                    data.get(chunk, 0, n);
                    out.write(chunk, 0, n);
                }
            }
        }
    }

    @Override
    public Map<String, HostTensor> read(Path file) throws IOException {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        try (InputStream is = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(is, 1 << 20))) {
            byte[] magic = new byte[MAGIC.length()];
            in.readFully(magic);
            if (!MAGIC.equals(new String(magic, java.nio.charset.StandardCharsets.US_ASCII))) {
                throw new IOException(file + ": not a training-state tensor file (bad magic)");
            }
            int meta = in.readInt();
            for (int i = 0; i < meta; i++) {
                in.readUTF();
                in.readUTF();
            }
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                StorageType type;
                try {
                    type = StorageType.valueOf(in.readUTF());
                } catch (IllegalArgumentException e) {
                    throw new IOException(file + ": tensor '" + name + "' has an unknown type", e);
                }
                long[] shape = new long[in.readInt()];
                for (int d = 0; d < shape.length; d++) {
                    shape[d] = in.readLong();
                }
                long bytes = in.readLong();
                if (bytes < 0 || bytes > Integer.MAX_VALUE) {
                    throw new IOException(file + ": tensor '" + name + "' has an impossible size " + bytes);
                }
                byte[] data = new byte[(int) bytes];
                in.readFully(data);
                try {
                    out.put(name, new HostTensor(type, shape, ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN)));
                } catch (IllegalArgumentException e) {
                    throw new IOException(file + ": tensor '" + name + "': " + e.getMessage(), e);
                }
            }
        } catch (java.io.EOFException e) {
            throw new IOException(file + ": file ends early (truncated)", e);
        }
        return out;
    }
}
