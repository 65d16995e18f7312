package org.evo2wb.app.ui.score;

/**
 * One per-base numeric track of the browser.
 *
 * @param key short name for file names and CSV columns ({@code logprob}, {@code entropy}, {@code delta})
 * @param title what the track's label says
 * @param kind how it is scaled and coloured
 * @param data the values (index 0 = first scored base) and their summaries
 */
record Track(String key, String title, Kind kind, TrackSummary data) {

    /** Scaling rules: log-probabilities hang from 0, entropies stand on 0, differences centre on 0. */
    enum Kind {
        LOG_PROB(Rgb.hex("#2b6cb0")),
        ENTROPY(Rgb.hex("#7b4bb7")),
        DELTA(Rgb.hex("#c2410c"));

        final Rgb colour;

        Kind(Rgb colour) {
            this.colour = colour;
        }
    }
}
