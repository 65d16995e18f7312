package org.evo2wb.app.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import javafx.application.Application;
import org.evo2wb.app.WorkbenchApp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code evo2wb gui [file...]}: opens the workbench window, loading the given files into the Data view. */
@Command(name = "gui", mixinStandardHelpOptions = true,
        description = "Open the workbench window; files given here are loaded into the Data view.")
final class GuiCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "Sequence files to open (FASTA, GenBank, EMBL).")
    List<Path> files = new ArrayList<>();

    @Override
    public Integer call() {
        String[] args = files.stream().map(p -> p.toAbsolutePath().toString()).toArray(String[]::new);
        Application.launch(WorkbenchApp.class, args);
        return Evo2wbCli.EXIT_OK;
    }
}
