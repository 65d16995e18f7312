package org.evo2wb.app.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.evo2wb.app.data.LoadFilesTask;
import org.evo2wb.engine.task.EngineTask;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code evo2wb} command. Every subcommand is registered in the {@code subcommands} list below and nowhere else:
 * adding one is a class with {@code @Command(name = ...)} plus one line here.
 *
 * <p>Exit codes: 0 success, 1 bad input or failed work (one line on stderr says why), 2 usage error.
 */
@Command(
        name = "evo2wb",
        mixinStandardHelpOptions = true,
        versionProvider = Evo2wbCli.Version.class,
        description = "Evo2 Workbench: read sequence files and work with the Evo 2 DNA language model.",
        subcommands = {
            CommandLine.HelpCommand.class,
            GuiCommand.class,
            InspectCommand.class,
            ScoreCommand.class,
            MutagenesisCommand.class,
            GenerateCommand.class,
            FinetuneCommand.class,
            ExportCommand.class,
            EvalCommand.class,
            VariantsCommand.class,
            EmbedCommand.class,
            ProbeCommand.class,
            SelfTestCommand.class,
            BenchCommand.class,
            DevicesCommand.class,
            ModelsCommand.class,
            GpuCommand.class,
            CheckGradientsCommand.class,
            TraceCommand.class,
            DevToolsCommand.PretrainCommand.class,
            DevToolsCommand.SelfTestTableCommand.class,
            FuzzCommand.class,
            CrashSoakCommand.class,
        })
public final class Evo2wbCli implements Callable<Integer> {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Option(names = Logging.VERBOSE, scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Show the libraries' log lines (DJL, PyTorch) on the terminal; without it they go to "
                    + "~/.evo2wb/logs/evo2wb.log.")
    boolean verbose;

    @Override
    public Integer call() {
        throw missingSubcommand(spec, "command");
    }

    /** The usage error of a command called without one of its subcommands ({@code what}: "command", ...). */
    static ParameterException missingSubcommand(CommandSpec spec, String what) {
        return new ParameterException(spec.commandLine(), "Missing " + what + ": name one of "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /** A ready-to-execute command line; unexpected failures are reported as one line on stderr with exit 1. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Evo2wbCli());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println(commandLine.getCommandSpec().qualifiedName(" ") + ": "
                    + LoadFilesTask.oneLine(EngineTask.describe(e)));
            commandLine.getErr().flush();
            return EXIT_FAILED;
        });
        return cl;
    }

    public static void main(String[] args) {
        org.evo2wb.app.startup.StartupReport.mark(org.evo2wb.app.startup.StartupReport.MAIN);
        Logging.configure(args);
        org.evo2wb.engine.runtime.GpuRuntimeSettings.apply(System.getenv());
        System.exit(commandLine().execute(args));
    }

    /** This build's version, e.g. {@code 0.1.0-SNAPSHOT}. */
    static String version() {
        Properties p = new Properties();
        try (InputStream in = Evo2wbCli.class.getResourceAsStream("/org/evo2wb/app/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }

    /** Reads the version Maven wrote into {@code version.properties}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Evo2 Workbench " + version(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
