package org.evo2wb.engine.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * PyTorch's thread-local grad mode, set for a block of code and restored afterwards:
 * <pre>
 *   try (GradMode g = GradMode.disabled()) { logits = model.forward(ids); }
 * </pre>
 * A new thread starts with grad mode on, so every inference thread must turn it off; scoring always does.
 */
public final class GradMode implements AutoCloseable {

    private final boolean previous;

    private GradMode(boolean enabled) {
        Engine.getEngine("PyTorch");            // loads the natives before the first JNI call
        this.previous = JniUtils.isGradMode();
        JniUtils.setGradMode(enabled);
    }

    /** Turns gradient recording off on this thread until {@link #close()}. */
    public static GradMode disabled() {
        return new GradMode(false);
    }

    /** Turns gradient recording on on this thread until {@link #close()}. */
    public static GradMode enabled() {
        return new GradMode(true);
    }

    /** Whether this thread records gradients now. */
    public static boolean isEnabled() {
        Engine.getEngine("PyTorch");
        return JniUtils.isGradMode();
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
