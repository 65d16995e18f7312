package org.evo2wb.engine.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Disks that fail the way real ones do, for the robustness tests of every write ({@link OutputFiles#using}): one
 * that fills up after a number of bytes (the write that crosses it stores what fits, then fails with "No space left
 * on device": the file on disk is cut partway, as after a real disk filled up), one mounted read-only, and a folder
 * the user may not write to.
 */
public final class DiskFaults {

    private DiskFaults() {
    }

    /** A disk with room for {@code bytes} more bytes over all files opened through it. */
    public static OutputFiles.Opener fullAfter(long bytes) {
        AtomicLong room = new AtomicLong(bytes);
        return (file, options) -> new Filling(FileChannel.open(file, options), room);
    }

    /** A disk mounted read-only: every open for writing fails as Linux reports it. */
    public static OutputFiles.Opener readOnlyDisk() {
        return (file, options) -> {
            throw new FileSystemException(file.toString(), null, "Read-only file system");
        };
    }

    /** A folder without write permission: every open for writing fails as Linux reports it. */
    public static OutputFiles.Opener permissionDenied() {
        return (file, options) -> {
            throw new AccessDeniedException(file.toString());
        };
    }

    /** A file channel whose writes stop, with the disk-full error, once the shared room is used up. */
    private static final class Filling extends FileChannel {

        private final FileChannel ch;
        private final AtomicLong room;

        Filling(FileChannel ch, AtomicLong room) {
            this.ch = ch;
            this.room = room;
        }

        /** Shortens {@code src} to what still fits; fails when nothing does. */
        private int allow(ByteBuffer src) throws IOException {
            long left = room.get();
            if (left <= 0 && src.hasRemaining()) {
                throw new IOException("No space left on device");
            }
            int n = (int) Math.min(src.remaining(), left);
            room.addAndGet(-n);
            return n;
        }

        private int limited(ByteBuffer src, long position) throws IOException {
            int n = allow(src);
            ByteBuffer part = src.duplicate();
            part.limit(part.position() + n);
            int written = position < 0 ? ch.write(part) : ch.write(part, position);
            src.position(src.position() + written);
            if (src.hasRemaining()) {
                throw new IOException("No space left on device");
            }
            return written;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return limited(src, -1);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                total += write(srcs[i]);
            }
            return total;
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return limited(src, position);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return ch.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return ch.read(dsts, offset, length);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return ch.read(dst, position);
        }

        @Override
        public long position() throws IOException {
            return ch.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            ch.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return ch.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            ch.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            ch.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return ch.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            ByteBuffer b = ByteBuffer.allocate((int) Math.min(count, 1 << 16));
            long done = 0;
            while (done < count) {
                b.clear().limit((int) Math.min(b.capacity(), count - done));
                if (src.read(b) <= 0) {
                    break;
                }
                b.flip();
                while (b.hasRemaining()) {
                    done += write(b, position + done);
                }
            }
            return done;
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            throw new IOException("mapping a file for writing is not supported on this simulated disk");
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return ch.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return ch.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            ch.close();
        }
    }
}
