package org.evo2wb.app.ui.score;

/** How numeric tracks are drawn (IGV's renderers). */
enum DisplayMode {
    LINE("Line"),
    BAR("Bar chart"),
    HEATMAP("Heatmap");

    private final String label;

    DisplayMode(String label) {
        this.label = label;
    }

    @Override
    public String toString() {
        return label;
    }
}
