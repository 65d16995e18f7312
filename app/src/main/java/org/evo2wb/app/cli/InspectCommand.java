package org.evo2wb.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.evo2wb.app.data.LoadFailure;
import org.evo2wb.app.data.LoadFilesTask;
import org.evo2wb.app.data.LoadResult;
import org.evo2wb.engine.task.TaskStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code evo2wb inspect FILE...}: reads the files exactly as the workbench's Data view does ({@link LoadFilesTask})
 * and prints each record's id, description, length, topology, QC figures and feature counts.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Print each record's id, description, length, topology, QC figures and feature counts.")
final class InspectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*",
            description = "FASTA, GenBank or EMBL files, plain or gzip/bzip2/xz compressed.")
    List<Path> files;

    @Option(names = "--json", description = "Print JSON (one object with \"files\" and \"errors\") instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        LoadFilesTask task = new LoadFilesTask(files);
        task.run();
        if (task.status() != TaskStatus.FINISHED) {
            Throwable failure = task.result().handle((v, e) -> e).join();
            if (failure instanceof Exception e) {
                throw e;
            }
            throw (Error) failure;
        }
        LoadResult result = task.result().get();
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? InspectReport.json(result) + System.lineSeparator() : InspectReport.text(result));
        out.flush();
        PrintWriter err = spec.commandLine().getErr();
        for (LoadFailure f : result.failures()) {
            err.println("evo2wb inspect: " + f.message());
        }
        err.flush();
        return result.failures().isEmpty() ? Evo2wbCli.EXIT_OK : Evo2wbCli.EXIT_FAILED;
    }
}
