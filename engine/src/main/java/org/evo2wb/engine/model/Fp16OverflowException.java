package org.evo2wb.engine.model;

/**
 * An fp16-mixed forward pass produced values that are not finite: a matrix product's result went beyond fp16's
 * range (±65,504). The message names the first block whose output is affected and says what to do.
 */
public final class Fp16OverflowException extends ArithmeticException {

    private final int block;

    public Fp16OverflowException(int block, String kind) {
        super("fp16 overflow: the output of block " + block + " (" + kind + ") is not finite, because a matrix "
                + "product in it went beyond fp16's range (±65,504). This model cannot run in fp16: load it in fp32 "
                + "(or TF32 on a GPU).");
        this.block = block;
    }

    /** Index of the first block with a non-finite output. */
    public int block() {
        return block;
    }
}
