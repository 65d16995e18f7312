package org.evo2wb.engine.model;

/**
 * Whether a model computing in fp16-mixed ({@link Precision#FP16}) keeps fp32 master weights for its linear layers.
 * Linear layers hold nearly all of Evo 2's parameters, so this halves (or, against fp32 masters plus fp16 copies,
 * thirds) the model's memory. In fp32 and tf32 every tensor is fp32 whatever this says.
 *
 * <ul>
 *   <li>{@link #NONE}: each linear layer's weight and bias are held only as fp16 (the values the fp16 products
 *       multiply by, rounded once from the checkpoint: the same numbers, so the same logits, as fp16 copies of fp32
 *       masters). For inference and for fine-tuning methods that leave the linear weights frozen (LoRA, filters).
 *       They cannot be trained.</li>
 *   <li>{@link #FP32}: linear weights and biases are fp32; a trained layer multiplies an fp16 cast of them on every
 *       call and the optimiser updates the fp32 values (full fine-tuning, pre-training), a frozen one keeps an fp16
 *       copy.</li>
 * </ul>
 * The embedding (tied with the unembedding), norms, filters and buffers are fp32 in every case.
 */
public enum MasterWeights {
    NONE,
    FP32;

    /** Whether linear weights and biases are held only as fp16 under {@code precision}. */
    public boolean halfOnly(Precision precision) {
        return this == NONE && precision.isHalf();
    }
}
