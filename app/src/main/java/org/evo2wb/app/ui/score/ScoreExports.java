package org.evo2wb.app.ui.score;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.canvas.Canvas;
import javafx.scene.image.WritableImage;
import javax.imageio.ImageIO;
import org.evo2wb.engine.io.AtomicFiles;
import org.evo2wb.engine.score.FeatureScores;
import org.evo2wb.engine.score.Mutagenesis;
import org.evo2wb.engine.score.TrackWriters;

/**
 * Writes what the Score view shows: the picture (PNG through the canvas, SVG through {@link SvgPainter}, both from
 * the same renderer and layout as the window), the tracks (bedGraph, WIG, CSV through the engine's
 * {@link TrackWriters}, coordinates on the record) and the mutagenesis table. Every file is written to a temporary
 * file and renamed, so a failed or cancelled export leaves nothing half-written.
 */
final class ScoreExports {

    private ScoreExports() {}

    /** PNG of the state at this width (FX thread). */
    static void png(Path file, TrackRenderer.State s, double width) throws IOException {
        Canvas c = new Canvas(width, 10);
        CanvasPainter p = new CanvasPainter(c.getGraphicsContext2D());
        TrackRenderer.Layout l = TrackRenderer.layout(s, width, p);
        c.setHeight(Math.ceil(l.height()));
        TrackRenderer.draw(p, s, l);
        WritableImage image = c.snapshot(null, null);
        BufferedImage png = SwingFXUtils.fromFXImage(image, null);
        AtomicFiles.writeStream(file, out -> {
            if (!ImageIO.write(png, "png", out)) {
                throw new IOException(file + ": no PNG writer available");
            }
        });
    }

    /** The SVG document of the state at this width (FX thread: text is measured with the screen font). */
    static String svg(TrackRenderer.State s, double width) {
        SvgPainter measure = new SvgPainter(width, 1);
        TrackRenderer.Layout l = TrackRenderer.layout(s, width, measure);
        SvgPainter p = new SvgPainter(width, Math.ceil(l.height()));
        TrackRenderer.draw(p, s, l);
        return p.document();
    }

    static void svg(Path file, TrackRenderer.State s, double width) throws IOException {
        String doc = svg(s, width);
        AtomicFiles.writeText(file, w -> w.write(doc));
    }

    static void bedGraph(Path file, ScoreResult r, Track t) throws IOException {
        AtomicFiles.writeText(file, w -> TrackWriters.bedGraph(w, r.id(), r.offset(), t.data().values(),
                trackName(r, t)));
    }

    /** Every track of the result as its own WIG track in one file. */
    static void wig(Path file, ScoreResult r) throws IOException {
        AtomicFiles.writeText(file, w -> {
            for (Track t : r.tracks()) {
                TrackWriters.wig(w, r.id(), r.offset(), t.data().values(), trackName(r, t));
            }
        });
    }

    static void csv(Path file, ScoreResult r) throws IOException {
        List<String> names = new ArrayList<>();
        List<float[]> values = new ArrayList<>();
        for (Track t : r.tracks()) {
            names.add(t.key());
            values.add(t.data().values());
        }
        AtomicFiles.writeText(file, w -> TrackWriters.csv(w, r.id(), r.offset(), r.scoredBases(), names, values));
    }

    static void mutagenesisTsv(Path file, MutagenesisData m) throws IOException {
        AtomicFiles.writeText(file, w -> Mutagenesis.writeTsv(w, m.result(), m.calls()));
    }

    /** "log P(base) (tiny)": what the track holds and the model it comes from. */
    static String trackName(ScoreResult r, Track t) {
        return switch (t.kind()) {
            case DELTA -> "delta log P (" + r.modelB() + " minus " + r.modelA() + ")";
            case ENTROPY -> "entropy (" + r.modelA() + ")";
            case LOG_PROB -> "log P(base) (" + (t.key().endsWith("_b") ? r.modelB() : r.modelA()) + ")";
        };
    }

    /** The per-feature table of the result ({@link FeatureScores}), with the models' names in the header. */
    static void featuresCsv(Path file, ScoreResult r) throws IOException {
        AtomicFiles.writeText(file, w -> FeatureScores.writeCsv(w, r.id(), r.featureRows(), r.modelA(), r.modelB()));
    }

    /** A file name from the record id and a suffix, with unsafe characters replaced. */
    static String fileName(String id, String suffix) {
        return id.replaceAll("[^A-Za-z0-9._-]", "_") + suffix;
    }
}
