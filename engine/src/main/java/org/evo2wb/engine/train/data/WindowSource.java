package org.evo2wb.engine.train.data;

/**
 * A fixed, indexable list of training or validation windows. Implementations must return the same window for the
 * same index every time (the data order of a run, and its resumption, are built on indices).
 */
public interface WindowSource {

    int size();

    TokenWindow get(int index);

    /** A window set backed by a list, for small data and tests. */
    static WindowSource of(java.util.List<TokenWindow> windows) {
        java.util.List<TokenWindow> copy = java.util.List.copyOf(windows);
        return new WindowSource() {
            @Override
            public int size() {
                return copy.size();
            }

            @Override
            public TokenWindow get(int index) {
                return copy.get(index);
            }
        };
    }
}
