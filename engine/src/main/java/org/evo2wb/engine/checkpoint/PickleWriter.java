package org.evo2wb.engine.checkpoint;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Emits pickle opcodes one by one (protocol 2, the protocol {@code torch.save} uses). Each method writes exactly
 * one opcode with its operand, as defined in CPython's {@code Lib/pickletools.py}:
 *
 * <pre>
 *   PROTO 0x80 n      EMPTY_DICT '}'     MARK '('          SETITEMS 'u'      STOP '.'
 *   GLOBAL 'c' module\n name\n           REDUCE 'R'        NEWOBJ 0x81       BUILD 'b'
 *   BINPERSID 'Q'     EMPTY_TUPLE ')'    TUPLE 't'         TUPLE1..3 0x85..0x87
 *   BININT1 'K' u8    BININT2 'M' u16    BININT 'J' i32    LONG1 0x8a n bytes (two's complement, little-endian)
 *   BINUNICODE 'X' u32 len + UTF-8       NEWTRUE 0x88      NEWFALSE 0x89     NONE 'N'
 *   BINPUT 'q' u8     LONG_BINPUT 'r' u32                  BINGET 'h' u8     LONG_BINGET 'j' u32
 *   BINFLOAT 'G' f64 big-endian
 * </pre>
 */
final class PickleWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PickleWriter proto(int version) {
        out.write(0x80);
        out.write(version);
        return this;
    }

    PickleWriter stop() {
        out.write('.');
        return this;
    }

    PickleWriter emptyDict() {
        out.write('}');
        return this;
    }

    PickleWriter mark() {
        out.write('(');
        return this;
    }

    PickleWriter setItems() {
        out.write('u');
        return this;
    }

    PickleWriter setItem() {
        out.write('s');
        return this;
    }

    PickleWriter global(String module, String name) {
        out.write('c');
        writeAscii(module + "\n" + name + "\n");
        return this;
    }

    PickleWriter reduce() {
        out.write('R');
        return this;
    }

    PickleWriter newObj() {
        out.write(0x81);
        return this;
    }

    PickleWriter build() {
        out.write('b');
        return this;
    }

    PickleWriter binPersId() {
        out.write('Q');
        return this;
    }

    PickleWriter emptyTuple() {
        out.write(')');
        return this;
    }

    /** TUPLE of everything since the last MARK. */
    PickleWriter tupleFromMark() {
        out.write('t');
        return this;
    }

    /** TUPLE1, TUPLE2 or TUPLE3 of the top {@code n} items. */
    PickleWriter tuple(int n) {
        if (n < 1 || n > 3) {
            throw new IllegalArgumentException("tuple arity " + n);
        }
        out.write(0x84 + n);
        return this;
    }

    PickleWriter bool(boolean v) {
        out.write(v ? 0x88 : 0x89);
        return this;
    }

    PickleWriter none() {
        out.write('N');
        return this;
    }

    /** The smallest of BININT1, BININT2, BININT, LONG1 that holds {@code v}. */
    PickleWriter integer(long v) {
        if (v >= 0 && v < 256) {
            out.write('K');
            out.write((int) v);
        } else if (v >= 0 && v < 65536) {
            out.write('M');
            out.write((int) (v & 0xff));
            out.write((int) (v >>> 8));
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            out.write('J');
            writeLe(v, 4);
        } else {
            out.write(0x8a);
            out.write(8);
            writeLe(v, 8);
        }
        return this;
    }

    PickleWriter unicode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write('X');
        writeLe(b.length, 4);
        out.write(b, 0, b.length);
        return this;
    }

    PickleWriter binFloat(double v) {
        out.write('G');
        long bits = Double.doubleToRawLongBits(v);
        for (int i = 7; i >= 0; i--) {
            out.write((int) (bits >>> (8 * i)) & 0xff);
        }
        return this;
    }

    /** Stores the top of the stack in memo slot {@code index} (BINPUT or LONG_BINPUT). */
    PickleWriter put(int index) {
        if (index < 256) {
            out.write('q');
            out.write(index);
        } else {
            out.write('r');
            writeLe(index, 4);
        }
        return this;
    }

    /** Pushes memo slot {@code index} (BINGET or LONG_BINGET). */
    PickleWriter get(int index) {
        if (index < 256) {
            out.write('h');
            out.write(index);
        } else {
            out.write('j');
            writeLe(index, 4);
        }
        return this;
    }

    /** Writes raw bytes, for hand-made opcodes in tests of the reader. */
    PickleWriter raw(int... bytes) {
        for (int b : bytes) {
            out.write(b);
        }
        return this;
    }

    /** Writes ASCII text verbatim, for hand-made opcodes in tests of the reader. */
    PickleWriter rawAscii(String text) {
        writeAscii(text);
        return this;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private void writeAscii(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        out.write(b, 0, b.length);
    }

    private void writeLe(long v, int n) {
        for (int i = 0; i < n; i++) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
    }
}
