package org.evo2wb.bio;

/** Strand of a feature location. */
public enum Strand {
    FORWARD,
    REVERSE,
    UNKNOWN
}
