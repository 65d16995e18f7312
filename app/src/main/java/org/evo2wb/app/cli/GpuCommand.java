package org.evo2wb.app.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.evo2wb.app.models.FreshStartCheck;
import org.evo2wb.engine.hub.HubClient;
import org.evo2wb.engine.hub.HubEndpoint;
import org.evo2wb.engine.hub.RetryPolicy;
import org.evo2wb.engine.hub.WorkbenchFolders;
import org.evo2wb.engine.runtime.GpuRuntimeSettings;
import org.evo2wb.engine.runtime.GpuRuntimeSetup;
import org.evo2wb.engine.runtime.LibtorchArchive;
import org.evo2wb.engine.runtime.NvidiaDriver;
import org.evo2wb.engine.train.parallel.TrainingMemoryEstimate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code evo2wb gpu setup|status|reset}: the GPU runtime (libtorch for CUDA) the workbench starts with. */
@Command(name = "gpu", mixinStandardHelpOptions = true,
        description = "Set up the GPU runtime: PyTorch's libtorch 2.7.1 for CUDA 12.8, used from the next start.",
        subcommands = {GpuCommand.Setup.class, GpuCommand.Status.class, GpuCommand.Reset.class})
final class GpuCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw Evo2wbCli.missingSubcommand(spec, "gpu command");
    }

    /** {@code gpu setup}: driver check, download, verify, unpack, record, then the start-up check in a new JVM. */
    @Command(name = "setup", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Check the NVIDIA driver (without PyTorch), download PyTorch's libtorch 2.7.1 for CUDA 12.8 "
                    + "(a few GB), check its SHA-256, unpack it into the workbench's data folder (~/.evo2wb/runtime) "
                    + "and record it: every later start of the workbench uses it. Then the start-up device check "
                    + "runs as the next start will, and its result is shown.",
                "An interrupted download resumes when the command is run again.",
                "Example: evo2wb gpu setup"})
    static final class Setup implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--force", description = "Set up even when no suitable NVIDIA driver is found.")
        boolean force;

        @Option(names = "--url", paramLabel = "<address>",
                description = "Download the archive from a mirror instead (it must have the same SHA-256).")
        URI url;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            LibtorchArchive published = LibtorchArchive.published();
            NvidiaDriver driver = NvidiaDriver.detect();
            out.println(driver.describe(published.cuda()));
            out.flush();
            if (!force && !driver.found()) {
                err.println("evo2wb gpu setup: no NVIDIA driver found; nothing was downloaded (--force sets up "
                        + "anyway, e.g. to copy the runtime to another computer).");
                return Evo2wbCli.EXIT_FAILED;
            }
            LibtorchArchive archive = url == null ? published : new LibtorchArchive(published.version(),
                    published.flavor(), published.cuda(), url, published.fileName(), published.sha256(),
                    published.size());
            out.println("Downloading " + archive.url() + " (SHA-256 " + archive.sha256() + ")");
            out.flush();
            GpuRuntimeSetup task = new GpuRuntimeSetup(new HubClient(HubEndpoint.fromEnvironment()), archive,
                    WorkbenchFolders.runtime(), RetryPolicy.STANDARD);
            GpuRuntimeSetup.Result r = TaskConsole.run(task, err, () -> line(task));
            out.println(String.format(Locale.ROOT, "GPU runtime ready: %s (archive %s, SHA-256 %s verified); "
                    + "recorded in %s", r.libDir(), TrainingMemoryEstimate.bytes(r.archiveBytes()), r.sha256(),
                    r.settings()));
            out.println("Start-up check, as the next start runs it:");
            out.flush();
            FreshStartCheck.Result check = FreshStartCheck.run(Duration.ofMinutes(5));
            out.print(check.output());
            out.println(check.passed() ? "A GPU passed the start-up check: the workbench will use it."
                    : "No GPU passed the start-up check (see above). To run on the CPU as before: evo2wb gpu reset");
            out.flush();
            return Evo2wbCli.EXIT_OK;
        }

        private static String line(GpuRuntimeSetup task) {
            long done = task.done();
            long total = task.total();
            return task.message() + (total > 0 ? String.format(Locale.ROOT, " %3.0f%%", 100.0 * done / total) : "");
        }
    }

    /** {@code gpu status}: the driver and the recorded runtime. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show the NVIDIA driver found and the GPU runtime the workbench starts with.")
    static final class Status implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            out.println(NvidiaDriver.detect().describe(LibtorchArchive.published().cuda()));
            out.println(describeRuntime());
            out.flush();
            return Evo2wbCli.EXIT_OK;
        }
    }

    /** {@code gpu reset}: forget the runtime (the files stay until deleted). */
    @Command(name = "reset", mixinStandardHelpOptions = true,
            description = "Start the workbench with its bundled CPU engine again (the runtime's files stay in "
                    + "~/.evo2wb/runtime until you delete them).")
    static final class Reset implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            boolean had = Files.deleteIfExists(GpuRuntimeSettings.file());
            out.println(had ? "The workbench starts with its bundled CPU engine from the next start."
                    : "No GPU runtime was set up; nothing changed.");
            out.flush();
            return Evo2wbCli.EXIT_OK;
        }
    }

    /** "GPU runtime: libtorch 2.7.1 cu128 in …" or "GPU runtime: none set up …". */
    static String describeRuntime() throws java.io.IOException {
        Properties p = GpuRuntimeSettings.read().orElse(null);
        if (p == null) {
            return "GPU runtime: none set up (the bundled CPU engine is used); evo2wb gpu setup installs one.";
        }
        String env = System.getenv("PYTORCH_LIBRARY_PATH");
        return "GPU runtime: libtorch " + p.getProperty("PYTORCH_VERSION") + " " + p.getProperty("PYTORCH_FLAVOR")
                + " in " + p.getProperty("PYTORCH_LIBRARY_PATH") + " (" + GpuRuntimeSettings.file() + ")"
                + (env != null ? "; PYTORCH_LIBRARY_PATH=" + env + " in the environment takes precedence" : "");
    }
}
