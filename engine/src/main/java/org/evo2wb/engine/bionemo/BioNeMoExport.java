package org.evo2wb.engine.bionemo;

import org.evo2wb.engine.load.ModelSpec;

/** The front doors' way from the model a user named to the job's {@link StartingModel}. */
public final class BioNeMoExport {

    private BioNeMoExport() {
    }

    /**
     * The starting model for a resolved model: a released file maps to its Savanna checkpoint; a fine-tuning run
     * folder is weights of our own (converted), named by its folder.
     *
     * @throws IllegalArgumentException when the model is none of the released Evo 2 models
     */
    public static StartingModel startingModel(ModelSpec.Resolved resolved) {
        if (resolved.kind() == ModelSpec.Kind.RUN) {
            StartingModel m = StartingModel.of(resolved.weights(), resolved.config(), true);
            return new StartingModel(m.modelSize(), m.savannaRepo(), false, resolved.runFolder(), m.seqLength());
        }
        return StartingModel.of(resolved.weights(), resolved.config(), false);
    }
}
