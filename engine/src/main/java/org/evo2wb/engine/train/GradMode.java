package org.evo2wb.engine.train;

import ai.djl.pytorch.jni.JniUtils;

/**
 * PyTorch's autograd switch for the current thread. A new thread starts with it on; in-place updates of trainable
 * leaves and evaluation must run with it off.
 */
public final class GradMode {

    private GradMode() {
    }

    /** Runs {@code work} with autograd off on this thread, restoring the previous state afterwards. */
    public static void off(Runnable work) {
        boolean before = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            work.run();
        } finally {
            JniUtils.setGradMode(before);
        }
    }

    /** Like {@link #off(Runnable)} with a result. */
    public static <T> T off(java.util.function.Supplier<T> work) {
        boolean before = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return work.get();
        } finally {
            JniUtils.setGradMode(before);
        }
    }

    public static void set(boolean on) {
        JniUtils.setGradMode(on);
    }
}
