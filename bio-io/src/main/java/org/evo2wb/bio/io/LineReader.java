package org.evo2wb.bio.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads decompressed text as byte fragments of lines, with 1-based line numbers, without creating a String per line.
 *
 * <p>A fragment is at most one buffer long, so a 5 Mb single-line FASTA sequence streams through a 64 KiB buffer
 * instead of being held as one line. {@link #nextLine()} assembles whole lines for header-like text. Line breaks
 * {@code \n} and {@code \r\n} are both accepted.
 */
public final class LineReader {

    /** Called after each refill of the buffer (progress, cancellation). */
    public interface RefillListener {
        void refilled() throws IOException;
    }

    private final InputStream in;
    private final RefillListener listener;
    private byte[] buf;
    private int pos;
    private int limit;
    private boolean eof;
    private boolean atLineStart = true;

    private int fragStart;
    private int fragEnd;
    private boolean fragLineStart;
    private boolean fragLineEnd;
    private long line;

    private byte[] lineBuf = new byte[256];
    private int lineLen;

    public LineReader(InputStream in, int bufferSize, RefillListener listener) {
        this.in = in;
        this.buf = new byte[bufferSize];
        this.listener = listener;
    }

    /**
     * Advances to the next fragment.
     *
     * @return false at the end of the input
     */
    public boolean nextFragment() throws IOException {
        int scanFrom = pos;
        int nl;
        while (true) {
            nl = indexOfNewline(scanFrom, limit);
            if (nl >= 0 || eof) {
                break;
            }
            if (limit == buf.length) {
                if (pos == 0) {
                    break; // the buffer holds one long fragment of a line
                }
                System.arraycopy(buf, pos, buf, 0, limit - pos);
                limit -= pos;
                scanFrom -= pos;
                pos = 0;
            }
            scanFrom = limit;
            int n = in.read(buf, limit, buf.length - limit);
            if (n < 0) {
                eof = true;
            } else {
                limit += n;
            }
            listener.refilled();
        }
        if (pos >= limit) {
            return false;
        }
        fragLineStart = atLineStart;
        if (fragLineStart) {
            line++;
        }
        fragStart = pos;
        if (nl >= 0) {
            fragEnd = nl;
            pos = nl + 1;
            fragLineEnd = true;
        } else {
            fragEnd = limit;
            pos = limit;
            fragLineEnd = eof;
            if (!fragLineEnd && fragEnd - fragStart > 1 && buf[fragEnd - 1] == '\r') {
                fragEnd--; // keep a '\r' that may be half of "\r\n" for the next fragment
                pos--;
            }
        }
        if (fragLineEnd && fragEnd > fragStart && buf[fragEnd - 1] == '\r') {
            fragEnd--;
        }
        atLineStart = fragLineEnd;
        return true;
    }

    /**
     * Advances to the next whole line; {@link #lineBytes()}, {@link #lineLength()} and {@link #lineText()} then
     * describe it.
     *
     * @return false at the end of the input
     */
    public boolean nextLine() throws IOException {
        if (!nextFragment()) {
            return false;
        }
        lineLen = 0;
        appendFragment();
        while (!fragLineEnd) {
            if (!nextFragment()) {
                break;
            }
            appendFragment();
        }
        return true;
    }

    /** After {@link #nextFragment()} at a line start: the whole line as text (reads its remaining fragments). */
    public String restOfLine() throws IOException {
        lineLen = 0;
        appendFragment();
        while (!fragLineEnd) {
            if (!nextFragment()) {
                break;
            }
            appendFragment();
        }
        return lineText();
    }

    private void appendFragment() {
        int n = fragEnd - fragStart;
        if (lineLen + n > lineBuf.length) {
            lineBuf = Arrays.copyOf(lineBuf, Math.max(lineBuf.length * 2, lineLen + n));
        }
        System.arraycopy(buf, fragStart, lineBuf, lineLen, n);
        lineLen += n;
    }

    private int indexOfNewline(int from, int to) {
        byte[] b = buf;
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    public byte[] fragmentBytes() {
        return buf;
    }

    public int fragmentStart() {
        return fragStart;
    }

    public int fragmentEnd() {
        return fragEnd;
    }

    /** The current fragment begins a line. */
    public boolean fragmentStartsLine() {
        return fragLineStart;
    }

    /** The current fragment ends its line. */
    public boolean fragmentEndsLine() {
        return fragLineEnd;
    }

    /** 1-based number of the current line. */
    public long line() {
        return line;
    }

    public byte[] lineBytes() {
        return lineBuf;
    }

    public int lineLength() {
        return lineLen;
    }

    /** The current whole line decoded as UTF-8 (invalid bytes replaced). */
    public String lineText() {
        return new String(lineBuf, 0, lineLen, StandardCharsets.UTF_8);
    }

    /** True when the current whole line starts with the given ASCII text. */
    public boolean lineStartsWith(String ascii) {
        if (lineLen < ascii.length()) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (lineBuf[i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** True when the current whole line is empty or only spaces/tabs. */
    public boolean lineIsBlank() {
        for (int i = 0; i < lineLen; i++) {
            if (lineBuf[i] != ' ' && lineBuf[i] != '\t') {
                return false;
            }
        }
        return true;
    }
}
