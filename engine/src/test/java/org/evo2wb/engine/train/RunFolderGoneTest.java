package org.evo2wb.engine.train;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.evo2wb.engine.load.ModelSpec;
import org.evo2wb.engine.train.run.RunSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run folder deleted while a view shows it: each way of using it again says so, naming the folder. */
class RunFolderGoneTest {

    @TempDir
    Path tmp;

    @Test
    void aDeletedRunFolderIsReportedByEveryEntryThatOpensIt() throws IOException {
        Path gone = tmp.resolve("runs").resolve("lora-1");
        Files.createDirectories(gone);
        Files.writeString(gone.resolve("run.json"), "{}");
        Files.delete(gone.resolve("run.json"));
        Files.delete(gone);

        IOException resume = assertThrows(IOException.class, () -> FineTuneRun.resume(gone));
        assertTrue(resume.getMessage().contains(gone.toString()) && resume.getMessage().contains("does not exist: was it deleted or moved?"),
                resume.getMessage());

        IOException open = assertThrows(IOException.class, () -> new ModelSpec(gone.toString(), null).resolve());
        assertTrue(open.getMessage().contains(gone.toString()), open.getMessage());

        RunSummary s = RunSummary.read(gone);
        assertFalse(s.problem() == null || s.problem().isEmpty(), "the summary says the folder cannot be read");
    }
}
