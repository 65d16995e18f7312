package org.evo2wb.engine.fuzz;

import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * One reader under fuzzing. An input must be read, or refused with {@link #refusal()} whose message names the file;
 * anything else (another exception, an error, a hang, a large allocation) is a {@link Finding}.
 *
 * <p>To fuzz one more reader, implement this (usually by extending {@link TextTarget}, as {@link SequenceTarget} does)
 * and add it to {@link FuzzTargets#standard()}.
 */
public interface FuzzTarget {

    /** Short name used in reports ({@code fasta}, {@code pt}, ...). */
    String name();

    /** True when {@code seed} is a valid input of this reader, so mutations of it make good test cases. */
    boolean accepts(Path seed);

    /** The exception by which the reader refuses bad input. */
    Class<? extends Exception> refusal();

    /** Reads {@code input} completely (every record or tensor), as the workbench would. */
    void read(Path input) throws Exception;

    /** A mutated copy of {@code seed}'s bytes. */
    byte[] mutate(byte[] seed, SplittableRandom random);
}
