package org.evo2wb.engine.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded mutations of an input's bytes: the generic ones of byte-level fuzzers (bit flips, special values, cuts,
 * copies, deletions) and text ones that reach deeper into line-oriented formats (lines dropped, repeated or swapped,
 * numbers replaced by huge or negative ones, format keywords inserted).
 */
public final class Mutations {

    private static final byte[] SPECIAL = {0, (byte) 0xff, 0x7f, (byte) 0x80, 1, ' ', '\n', '\r', '\t', '-', '9'};
    private static final String[] NUMBERS = {"0", "-1", "2147483647", "2147483648", "4294967296", "9223372036854775807",
        "99999999999999999999", "1e308", "-0", "3000000000", "1500000000", "268435456"};

    private Mutations() {}

    /** One to {@code maxStack} byte-level mutations of {@code in}. */
    public static byte[] bytes(byte[] in, SplittableRandom r, int maxStack) {
        byte[] b = in;
        int n = 1 + r.nextInt(maxStack);
        for (int i = 0; i < n; i++) {
            b = oneByteMutation(b, r);
        }
        return b;
    }

    /** One to {@code maxStack} mutations, text-level or byte-level, of a text input in {@code keywords}' format. */
    public static byte[] text(byte[] in, SplittableRandom r, int maxStack, List<String> keywords) {
        byte[] b = in;
        int n = 1 + r.nextInt(maxStack);
        for (int i = 0; i < n; i++) {
            b = r.nextInt(3) == 0 ? oneByteMutation(b, r) : oneLineMutation(b, r, keywords);
        }
        return b;
    }

    static byte[] oneByteMutation(byte[] b, SplittableRandom r) {
        if (b.length == 0) {
            return new byte[] {(byte) r.nextInt(256)};
        }
        byte[] out;
        int at = r.nextInt(b.length);
        switch (r.nextInt(7)) {
            case 0 -> {
                out = b.clone();
                out[at] ^= (byte) (1 << r.nextInt(8));
            }
            case 1 -> {
                out = b.clone();
                out[at] = SPECIAL[r.nextInt(SPECIAL.length)];
            }
            case 2 -> out = Arrays.copyOf(b, at); // truncate
            case 3 -> { // delete a run
                int len = 1 + r.nextInt(Math.min(64, b.length - at));
                out = concat(Arrays.copyOfRange(b, 0, at), Arrays.copyOfRange(b, at + len, b.length));
            }
            case 4 -> { // copy a run elsewhere
                int len = 1 + r.nextInt(Math.min(256, b.length - at));
                int to = r.nextInt(b.length + 1);
                byte[] run = Arrays.copyOfRange(b, at, at + len);
                out = concat(concat(Arrays.copyOfRange(b, 0, to), run), Arrays.copyOfRange(b, to, b.length));
            }
            case 5 -> { // overwrite 4 or 8 bytes with an extreme little-endian integer
                out = b.clone();
                long v = switch (r.nextInt(4)) {
                    case 0 -> -1L;
                    case 1 -> Integer.MAX_VALUE;
                    case 2 -> Long.MAX_VALUE;
                    default -> 1L << (16 + r.nextInt(40));
                };
                int width = r.nextBoolean() ? 4 : 8;
                for (int k = 0; k < width && at + k < out.length; k++) {
                    out[at + k] = (byte) (v >>> (8 * k));
                }
            }
            default -> { // random bytes in a short run
                out = b.clone();
                int len = 1 + r.nextInt(Math.min(16, b.length - at));
                for (int k = 0; k < len; k++) {
                    out[at + k] = (byte) r.nextInt(256);
                }
            }
        }
        return out;
    }

    static byte[] oneLineMutation(byte[] b, SplittableRandom r, List<String> keywords) {
        List<String> lines = new ArrayList<>(Arrays.asList(new String(b, StandardCharsets.ISO_8859_1).split("\n", -1)));
        if (lines.isEmpty()) {
            lines.add("");
        }
        int at = r.nextInt(lines.size());
        switch (r.nextInt(6)) {
            case 0 -> lines.remove(at);
            case 1 -> lines.add(at, lines.get(r.nextInt(lines.size())));
            case 2 -> {
                int other = r.nextInt(lines.size());
                String t = lines.get(at);
                lines.set(at, lines.get(other));
                lines.set(other, t);
            }
            case 3 -> lines.set(at, replaceNumber(lines.get(at), r));
            case 4 -> {
                String k = keywords.get(r.nextInt(keywords.size()));
                lines.add(at, r.nextBoolean() ? k : k + lines.get(at));
            }
            default -> { // cut the line short
                String l = lines.get(at);
                lines.set(at, l.isEmpty() ? l : l.substring(0, r.nextInt(l.length())));
            }
        }
        return String.join("\n", lines).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Replaces one run of digits in {@code s} by an extreme number (or adds one at the end). */
    static String replaceNumber(String s, SplittableRandom r) {
        String n = NUMBERS[r.nextInt(NUMBERS.length)];
        List<int[]> runs = new ArrayList<>();
        for (int i = 0; i < s.length(); i++) {
            if (Character.isDigit(s.charAt(i))) {
                int j = i;
                while (j < s.length() && Character.isDigit(s.charAt(j))) {
                    j++;
                }
                runs.add(new int[] {i, j});
                i = j;
            }
        }
        if (runs.isEmpty()) {
            return s + " " + n;
        }
        int[] run = runs.get(r.nextInt(runs.size()));
        return s.substring(0, run[0]) + n + s.substring(run[1]);
    }

    static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(a.length + b.length);
        o.writeBytes(a);
        o.writeBytes(b);
        return o.toByteArray();
    }
}
