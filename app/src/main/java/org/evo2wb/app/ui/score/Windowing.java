package org.evo2wb.app.ui.score;

/** Which value a pixel shows when it covers several bases (IGV's windowing function). */
enum Windowing {
    MEAN("Mean"),
    MIN("Minimum"),
    MAX("Maximum");

    private final String label;

    Windowing(String label) {
        this.label = label;
    }

    double pick(TrackSummary.Stats s) {
        return switch (this) {
            case MEAN -> s.mean();
            case MIN -> s.min();
            case MAX -> s.max();
        };
    }

    @Override
    public String toString() {
        return label;
    }
}
