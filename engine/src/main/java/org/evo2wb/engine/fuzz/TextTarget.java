package org.evo2wb.engine.fuzz;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A reader of a line-oriented text format, plain or gzip-compressed. Mutations work on the text (a gzip seed is
 * unpacked first) and are packed again a quarter of the time; one time in ten the compressed bytes themselves are
 * damaged. Subclasses say which seeds they take, how a file is read and what the format's keywords are.
 */
public abstract class TextTarget implements FuzzTarget {

    private final String name;
    private final List<String> keywords;

    /**
     * @param name the reader's name in reports
     * @param keywords line starts of the format ({@code LOCUS}, {@code //}, {@code >} ...), inserted by mutations
     */
    protected TextTarget(String name, List<String> keywords) {
        this.name = name;
        this.keywords = List.copyOf(keywords);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public byte[] mutate(byte[] seed, SplittableRandom random) {
        boolean gz = seed.length > 2 && (seed[0] & 0xff) == 0x1f && (seed[1] & 0xff) == 0x8b;
        if (gz && random.nextInt(10) == 0) {
            return Mutations.bytes(seed, random, 4);
        }
        byte[] text = gz ? gunzip(seed) : seed;
        byte[] out = Mutations.text(text, random, 6, keywords);
        return random.nextInt(4) == 0 ? gzip(out) : out;
    }

    static byte[] gunzip(byte[] b) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(b))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] gzip(byte[] b) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(o)) {
            z.write(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return o.toByteArray();
    }
}
