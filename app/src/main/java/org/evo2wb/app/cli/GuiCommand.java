package org.evo2wb.app.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.Logger;
import javafx.application.Application;
import org.evo2wb.app.WorkbenchApp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code evo2wb gui [file...]}: opens the workbench window, loading the given files into the Data view. */
@Command(name = "gui", mixinStandardHelpOptions = true,
        description = "Open the workbench window; files given here are loaded into the Data view.")
final class GuiCommand implements Callable<Integer> {

    /**
     * JavaFX warns on every start that it was loaded from the class path rather than as named modules. The workbench
     * runs on the class path on purpose (one of the PyTorch jars cannot be a module), so that one message is dropped;
     * every other JavaFX message still shows.
     */
    private static final Logger JAVAFX = Logger.getLogger("javafx");

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "Sequence files to open (FASTA, GenBank, EMBL).")
    List<Path> files = new ArrayList<>();

    @Override
    public Integer call() {
        JAVAFX.setFilter(r -> r.getMessage() == null || !r.getMessage().startsWith("Unsupported JavaFX configuration"));
        String[] args = files.stream().map(p -> p.toAbsolutePath().toString()).toArray(String[]::new);
        Application.launch(WorkbenchApp.class, args);
        return Evo2wbCli.EXIT_OK;
    }
}
