package org.evo2wb.app.ui.score;

import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.layout.Region;
import org.evo2wb.bio.Feature;

/**
 * The browser on screen: a canvas redrawn by {@link TrackRenderer} whenever the scores, the view, the selection or
 * the display settings change. Interactions (IGV's): drag to pan, wheel to zoom about the pointer (horizontal wheel
 * pans), double-click to zoom in, shift-drag to select bases, click a feature to select it, keys ← → pan, + − zoom,
 * F / B jump to the next / previous feature, Home shows everything.
 */
final class BrowserView extends Region {

    private final ScoreModel model;
    private final Navigation nav;
    private final Canvas canvas = new Canvas();
    private TrackRenderer.Layout layout;
    private double pressX;
    private double pressStart;
    private int anchor = -1;
    private boolean dragged;
    private ScoreResult smoothedFrom;
    private int smoothedWindow;
    private ScoreResult smoothed;

    BrowserView(ScoreModel model, Navigation nav) {
        this.model = model;
        this.nav = nav;
        setId("score-browser");
        getStyleClass().add("score-browser");
        getChildren().add(canvas);
        setFocusTraversable(true);
        for (var p : new javafx.beans.Observable[] {model.resultProperty(), model.viewProperty(),
                model.selectionProperty(), model.modeProperty(), model.windowingProperty(), model.hoverProperty(),
                model.mutagenesisProperty(), model.smoothingProperty()}) {
            p.addListener(o -> redraw());
        }
        widthProperty().addListener(o -> redraw());
        setOnMousePressed(this::pressed);
        setOnMouseDragged(this::dragged);
        setOnMouseReleased(this::released);
        setOnMouseMoved(this::moved);
        setOnMouseExited(e -> {
            model.hoverProperty().set(Double.NaN);
            model.hoverTextProperty().set("");
        });
        setOnScroll(this::scrolled);
        setOnKeyPressed(this::key);
        setMinHeight(120);
    }

    /** The result as drawn: smoothed as the view says (computed once per result and window). */
    private ScoreResult drawn(ScoreResult r) {
        int w = model.smoothingProperty().get();
        if (r != smoothedFrom || w != smoothedWindow) {
            smoothedFrom = r;
            smoothedWindow = w;
            smoothed = r == null ? null : r.smoothed(w);
        }
        return smoothed;
    }

    /** The state the renderer draws now, or null before the first score. */
    TrackRenderer.State state() {
        ScoreResult r = drawn(model.resultProperty().get());
        ScoreModel.ViewRange v = model.viewProperty().get();
        if (r == null || v == null) {
            return null;
        }
        ScoreModel.Selection s = model.selectionProperty().get();
        return new TrackRenderer.State(r, model.mutagenesisProperty().get(), v.start(), v.end(),
                s == null ? -1 : s.start(), s == null ? -1 : s.end(), model.modeProperty().get(),
                model.windowingProperty().get(), model.hoverProperty().get());
    }

    /** The layout last drawn (null before the first score). */
    TrackRenderer.Layout trackLayout() {
        return layout;
    }

    void redraw() {
        TrackRenderer.State s = state();
        double w = Math.max(200, getWidth());
        GraphicsContext g = canvas.getGraphicsContext2D();
        CanvasPainter painter = new CanvasPainter(g);
        if (s == null) {
            layout = null;
            canvas.setWidth(w);
            canvas.setHeight(140);
            painter.fillRect(0, 0, w, 140, Palette.BACKGROUND);
            painter.text("Choose a record (or paste a sequence) and press Score: the log-likelihood of every base "
                    + "appears here as tracks.", 16, 40, 13, false, Painter.Align.LEFT, Palette.MUTED);
            requestLayout();
            return;
        }
        layout = TrackRenderer.layout(s, w, painter);
        canvas.setWidth(w);
        canvas.setHeight(layout.height());
        TrackRenderer.draw(painter, s, layout);
        requestLayout();
    }

    @Override
    protected double computePrefHeight(double width) {
        return layout == null ? 140 : layout.height();
    }

    @Override
    protected double computePrefWidth(double height) {
        return 800;
    }

    @Override
    protected void layoutChildren() {
        canvas.relocate(0, 0);
        if (Math.abs(canvas.getWidth() - getWidth()) > 0.5 && getWidth() > 0) {
            redraw();
        }
    }

    private void pressed(MouseEvent e) {
        requestFocus();
        pressX = e.getX();
        dragged = false;
        ScoreModel.ViewRange v = model.viewProperty().get();
        pressStart = v == null ? 0 : v.start();
        anchor = -1;
        if (layout != null && e.isShiftDown() && e.getButton() == MouseButton.PRIMARY) {
            anchor = clampBase(layout.frame().pos(e.getX()));
        }
    }

    private void dragged(MouseEvent e) {
        if (layout == null) {
            return;
        }
        if (Math.abs(e.getX() - pressX) > 2) {
            dragged = true;
        }
        if (anchor >= 0) {
            int b = clampBase(layout.frame().pos(e.getX()));
            model.selectionProperty().set(new ScoreModel.Selection(Math.min(anchor, b), Math.max(anchor, b) + 1));
        } else if (dragged) {
            ScoreModel.ViewRange v = model.viewProperty().get();
            double bases = -(e.getX() - pressX) * layout.frame().basesPerPixel();
            nav.pan(pressStart + bases - v.start());
        }
        moved(e);
    }

    private void released(MouseEvent e) {
        if (layout == null || dragged || anchor >= 0 || e.getButton() != MouseButton.PRIMARY) {
            return;
        }
        if (e.getClickCount() == 2) {
            nav.zoom(0.5, layout.frame().pos(e.getX()));
            return;
        }
        TrackRenderer.Band b = layout.band(e.getY());
        if (b != null && b.kind() == TrackRenderer.Band.Kind.FEATURES) {
            int lane = (int) ((e.getY() - b.y()) / FeatureLanes.LANE);
            double pos = layout.frame().pos(e.getX());
            for (FeatureLanes.Placed p : layout.features()) {
                Feature f = p.feature();
                if (p.lane() == lane && f.location().min() - 1 <= pos && pos < f.location().max()) {
                    ScoreResult r = model.resultProperty().get();
                    int s = (int) Math.max(r.offset(), f.location().min() - 1);
                    int en = (int) Math.min(r.end(), f.location().max());
                    model.selectionProperty().set(new ScoreModel.Selection(s, en));
                    return;
                }
            }
        }
    }

    private int clampBase(double pos) {
        ScoreResult r = model.resultProperty().get();
        return (int) Math.max(r.offset(), Math.min(r.end() - 1, Math.floor(pos)));
    }

    private void moved(MouseEvent e) {
        TrackRenderer.State s = state();
        if (s == null || layout == null || e.getX() < Frame.GUTTER || e.getX() > layout.frame().dataRight()) {
            model.hoverProperty().set(Double.NaN);
            model.hoverTextProperty().set("");
            return;
        }
        model.hoverProperty().set(layout.frame().pos(e.getX()));
        model.hoverTextProperty().set(TrackRenderer.describe(s, layout, e.getX(), e.getY()));
    }

    private void scrolled(ScrollEvent e) {
        if (layout == null) {
            return;
        }
        if (Math.abs(e.getDeltaX()) > Math.abs(e.getDeltaY())) {
            nav.pan(-e.getDeltaX() * layout.frame().basesPerPixel());
        } else if (e.getDeltaY() != 0) {
            nav.zoom(Math.pow(0.85, e.getDeltaY() / 40.0), layout.frame().pos(e.getX()));
        }
        e.consume();
    }

    private void key(KeyEvent e) {
        ScoreModel.ViewRange v = model.viewProperty().get();
        if (v == null) {
            return;
        }
        double span = v.end() - v.start();
        switch (e.getCode()) {
            case LEFT -> nav.pan(-span * 0.2);
            case RIGHT -> nav.pan(span * 0.2);
            case PLUS, EQUALS, ADD -> nav.zoomCentre(0.5);
            case MINUS, SUBTRACT -> nav.zoomCentre(2);
            case F -> nav.nextFeature(true);
            case B -> nav.nextFeature(false);
            case HOME -> nav.whole();
            default -> {
                return;
            }
        }
        e.consume();
    }
}
