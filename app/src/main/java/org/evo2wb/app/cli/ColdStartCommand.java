package org.evo2wb.app.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.evo2wb.app.startup.ColdStartBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code evo2wb bench cold-start}: how long the workbench takes to open. */
@Command(name = "cold-start", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Start the workbench window several times in fresh JVMs and report the time to the first "
                + "drawn window, to an interactive window and to the loaded default model (medians).",
            "Needs a display; on a server: xvfb-run ./evo2wb bench cold-start"})
final class ColdStartCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--runs", defaultValue = "5", paramLabel = "<n>",
            description = "Starts to time (the median is reported). Default: ${DEFAULT-VALUE}.")
    int runs;

    @Option(names = "--timeout", defaultValue = "180", paramLabel = "<seconds>",
            description = "Longest wait for one start. Default: ${DEFAULT-VALUE}.")
    long timeout;

    @Option(names = "--jvm-option", paramLabel = "<option>",
            description = "An option for the started JVMs (repeatable), e.g. --jvm-option=-Xmx4g.")
    List<String> jvmOptions = new ArrayList<>();

    @Option(names = "--launcher", paramLabel = "<script>",
            description = "Start the workbench through this launcher (e.g. ./evo2wb, its build check and JVM settings "
                    + "included) instead of starting java directly.")
    java.nio.file.Path launcher;

    @Override
    public Integer call() throws Exception {
        if (runs < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--runs must be at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (launcher != null && !java.nio.file.Files.isExecutable(launcher)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--launcher " + launcher
                    + ": not an executable file");
        }
        new ColdStartBenchmark(jvmOptions, timeout, launcher == null ? null : launcher.toAbsolutePath()).run(runs, out);
        return Evo2wbCli.EXIT_OK;
    }
}
