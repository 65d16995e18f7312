package org.evo2wb.app.models;

import org.evo2wb.engine.task.EngineTask;

/** Reads a model source's header and config in the background ({@link ModelInspection#inspect}). */
public final class InspectModelTask extends EngineTask<ModelInspection> {

    private final ModelSource source;
    private final ModelInspection.ConfigChoice choice;

    public InspectModelTask(ModelSource source, ModelInspection.ConfigChoice choice) {
        super("Read " + source.name());
        this.source = source;
        this.choice = choice;
    }

    public ModelSource source() {
        return source;
    }

    @Override
    protected ModelInspection call() throws Exception {
        message("Reading " + source.weights().getFileName());
        return ModelInspection.inspect(source, choice);
    }
}
