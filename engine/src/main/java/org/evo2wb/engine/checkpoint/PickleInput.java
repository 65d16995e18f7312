package org.evo2wb.engine.checkpoint;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.UnpickleStack;
import org.evo2wb.bio.io.CountingInputStream;

/**
 * The bytes of a pickle as the allowlist unpicklers read them ({@code data.pkl} of a checkpoint, the index of a
 * distributed checkpoint): counted, so that an opcode's length prefix is checked against what is left of the pickle
 * before the unpickler allocates a buffer of that length (a damaged pickle could otherwise ask for gigabytes).
 */
public final class PickleInput {

    private final CountingInputStream counting;
    private final long total;

    public PickleInput(byte[] bytes) {
        this.total = bytes.length;
        this.counting = new CountingInputStream(new ByteArrayInputStream(bytes));
    }

    /** The stream to unpickle. */
    public InputStream stream() {
        return counting;
    }

    /** Bytes read so far. */
    public long position() {
        return counting.count();
    }

    /**
     * Why opcode {@code key}, just read, cannot be what it claims: its length prefix asks for more bytes than the
     * pickle has left; null when it has none or it fits. The stream is left where it was.
     */
    public String lengthProblem(short key) throws IOException {
        int width = switch (key) {
            case Opcodes.BINSTRING, Opcodes.BINUNICODE, Opcodes.BINBYTES, Opcodes.LONG4 -> 4;
            case Opcodes.BINUNICODE8, Opcodes.BINBYTES8, Opcodes.BYTEARRAY8 -> 8;
            default -> 0;
        };
        if (width == 0) {
            return null;
        }
        long at = counting.count();
        counting.mark(16);
        long len = 0;
        for (int i = 0; i < width; i++) {
            int b = counting.read();
            if (b < 0) {
                break;
            }
            len |= (long) b << (8 * i);
        }
        counting.reset();                    // puts the count back too
        if (width == 4) {
            len = key == Opcodes.LONG4 ? Math.abs((long) (int) len) : len & 0xFFFFFFFFL;
        }
        long remaining = total - at - width;
        if (len < 0 || len > remaining) {
            return String.format("opcode 0x%02x at byte %d claims %s bytes, but only %d bytes of the pickle remain",
                    key & 0xff, at - 1, Long.toUnsignedString(len), Math.max(0, remaining));
        }
        return null;
    }

    /**
     * {@code SETITEMS}: the key–value pairs since the mark into the dict now on top of the stack, in file order
     * (razorvine's own handling inserts them in reverse).
     *
     * @return false, with the pairs popped and nothing put, when the top of the stack is not a dict
     */
    public static boolean setItems(UnpickleStack stack) {
        List<Object> items = stack.pop_all_since_marker();
        if (!(stack.peek() instanceof Map<?, ?> target)) {
            return false;
        }
        @SuppressWarnings("unchecked")
        Map<Object, Object> m = (Map<Object, Object>) target;
        putPairs(m, items);
        return true;
    }

    /** {@code DICT}: a new dict of the key–value pairs since the mark, in file order, onto the stack. */
    public static void dict(UnpickleStack stack) {
        Map<Object, Object> m = new LinkedHashMap<>();
        putPairs(m, stack.pop_all_since_marker());
        stack.add(m);
    }

    private static void putPairs(Map<Object, Object> target, List<Object> items) {
        for (int i = 0; i + 1 < items.size(); i += 2) {
            target.put(items.get(i), items.get(i + 1));
        }
    }
}
