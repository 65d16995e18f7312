package org.evo2wb.engine.model;

import ai.djl.ndarray.NDArray;

/** Receives every tensor of a model, in checkpoint order, with its checkpoint key and role. */
@FunctionalInterface
public interface ParameterVisitor {

    void visit(String key, ParameterKind kind, NDArray value);
}
