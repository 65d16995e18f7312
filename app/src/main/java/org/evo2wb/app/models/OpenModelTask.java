package org.evo2wb.app.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.evo2wb.engine.load.bionemo.BioNeMoCheckpoint;
import org.evo2wb.engine.task.EngineTask;
import org.evo2wb.engine.train.run.RunFolder;

/**
 * Finds out what a path the user opened holds, in the background (it reads the folder's files: a fine-tuning run's
 * record, a BioNeMo checkpoint's run config): a weights file, a fine-tuning run folder, or a BioNeMo checkpoint folder.
 * For a BioNeMo LoRA folder whose base model is neither chosen nor where its run config records it, the result asks
 * for the base model; open it again with the folder the user chose.
 */
public final class OpenModelTask extends EngineTask<OpenModelTask.Opened> {

    /**
     * What was found.
     *
     * @param source the model to list, or null when {@code missingBase} is set
     * @param missingBase for a BioNeMo LoRA folder whose base model must be chosen first: the base model its run
     *                    config records ("" when none), else null
     */
    public record Opened(ModelSource source, String missingBase) {
    }

    /** Why a folder cannot be opened, with what it was read as ("the run", "the BioNeMo checkpoint"). */
    public static final class NotOpened extends IOException {

        private final String what;

        NotOpened(String what, IOException cause) {
            super(cause.getMessage(), cause);
            this.what = what;
        }

        public String what() {
            return what;
        }
    }

    private final Path path;
    private final Path base;

    /**
     * @param path a weights file, a fine-tuning run folder (or its run.json), or a BioNeMo checkpoint folder
     * @param base for a BioNeMo LoRA folder: the base model folder the user chose, else null
     */
    public OpenModelTask(Path path, Path base) {
        super("Open " + path.getFileName());
        this.path = path;
        this.base = base;
    }

    public Path path() {
        return path;
    }

    @Override
    protected Opened call() throws IOException {
        message("Reading " + path.getFileName());
        if (BioNeMoCheckpoint.isBioNeMoFolder(path)) {
            try {
                if (base != null) {
                    BioNeMoCheckpoint.useBaseModel(path, base);
                } else {
                    Optional<String> missing = BioNeMoCheckpoint.missingBaseModel(path);
                    if (missing.isPresent()) {
                        return new Opened(null, missing.get());
                    }
                }
            } catch (IOException e) {
                throw new NotOpened("the BioNeMo checkpoint", e);
            }
            return new Opened(ModelSource.fromBioNeMoFolder(path), null);
        }
        if (Files.isDirectory(path) || path.getFileName().toString().equals(RunFolder.RECORD)) {
            try {
                return new Opened(ModelSource.fromRunFolder(path), null);
            } catch (IOException e) {
                throw new NotOpened("the run", e);
            }
        }
        return new Opened(ModelSource.fromCheckpoint(path), null);
    }
}
