package org.evo2wb.bio.dataset;

/** Reverse-complement augmentation of training windows (validation windows are never augmented). */
public enum ReverseComplementMode {
    /** Forward strand only. */
    NONE,
    /** Every training window twice: as read and as its reverse complement (doubles the training windows). */
    BOTH,
    /** Each training window on one strand, chosen at random with probability 1/2 from the split seed. */
    RANDOM
}
