package org.evo2wb.app.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.evo2wb.app.models.CatalogRow;
import org.evo2wb.app.models.AvailableDevices;
import org.evo2wb.engine.hub.HubDownload;
import org.evo2wb.engine.hub.ModelCatalog;
import org.evo2wb.engine.hub.ModelDownloads;
import org.evo2wb.engine.hub.ModelNeeds;
import org.evo2wb.engine.hub.WorkbenchFolders;
import org.evo2wb.engine.train.parallel.TrainingMemoryEstimate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code evo2wb models list|download}: the released Evo 2 checkpoints, and verified downloads from the Hub. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "The released Evo 2 checkpoints of the Hugging Face Hub, and verified downloads of them.",
        subcommands = {ModelsCommand.ListModels.class, ModelsCommand.Download.class})
final class ModelsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw Evo2wbCli.missingSubcommand(spec, "models command");
    }

    /** {@code models list}: the catalog against this computer's devices. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"List the released Evo 2 checkpoints of the Hub's arcinstitute organisation: repository, "
                    + "parameters, context, config preset, disk, and the GPU memory for scoring and LoRA "
                    + "fine-tuning at a few windows (batch 1, fp16), marked against this computer's GPUs.",
                "Example: evo2wb models list --json"})
    static final class ListModels implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print JSON instead of text.")
        boolean json;

        @Override
        public Integer call() {
            ModelCatalog catalog = ModelCatalog.load();
            AvailableDevices.Detection found = AvailableDevices.detectWithNote();
            List<CatalogRow> rows = CatalogRow.of(catalog, found.devices());
            PrintWriter out = spec.commandLine().getOut();
            out.print(json ? json(catalog, rows, found) : text(catalog, rows, found));
            out.flush();
            return Evo2wbCli.EXIT_OK;
        }
    }

    static String text(ModelCatalog catalog, List<CatalogRow> rows, AvailableDevices.Detection found) {
        StringBuilder b = new StringBuilder();
        String n = System.lineSeparator();
        b.append("Evo 2 checkpoints on the Hugging Face Hub (list checked ").append(catalog.checked()).append(')')
                .append(n);
        b.append("This computer: ").append(String.join("; ", found.devices().stream().map(AvailableDevices.Option::toString)
                .toList())).append(n);
        for (CatalogRow r : rows) {
            ModelCatalog.Entry e = r.entry();
            b.append(n).append(e.repo()).append("  ").append(e.name()).append(n);
            b.append("    ").append(e.description()).append(n);
            b.append("    parameters ").append(r.parameters()).append(", context ").append(r.context())
                    .append(", config preset ").append(e.preset()).append(n);
            b.append("    disk ").append(r.disk()).append(": ").append(r.files()).append(n);
            for (String line : r.needLines()) {
                b.append("    GPU memory for ").append(line).append(n);
            }
            e.fp8Warning().ifPresent(w -> b.append("    warning: ").append(w).append(n));
        }
        b.append(n).append("Download one with: evo2wb models download REPO_ID (into ")
                .append(WorkbenchFolders.models()).append("/<name> unless --dir is given)").append(n);
        return b.toString();
    }

    static String json(ModelCatalog catalog, List<CatalogRow> rows, AvailableDevices.Detection found) {
        JsonObject o = new JsonObject();
        o.addProperty("checked", catalog.checked().toString());
        o.addProperty("source", catalog.source());
        JsonArray devices = new JsonArray();
        for (AvailableDevices.Option d : found.devices()) {
            JsonObject j = new JsonObject();
            j.addProperty("device", d.isGpu() ? "gpu:" + d.device().getDeviceId() : "cpu");
            j.addProperty("label", d.label());
            j.addProperty("memory_bytes", d.memoryBytes());
            j.addProperty("usable", d.usable());
            devices.add(j);
        }
        o.add("devices", devices);
        JsonArray models = new JsonArray();
        for (CatalogRow r : rows) {
            ModelCatalog.Entry e = r.entry();
            JsonObject m = new JsonObject();
            m.addProperty("repo", e.repo());
            m.addProperty("name", e.name());
            m.addProperty("description", e.description());
            m.addProperty("parameters", e.parameters());
            m.addProperty("context", e.context());
            m.addProperty("preset", e.preset());
            m.addProperty("disk_bytes", e.diskBytes());
            JsonArray files = new JsonArray();
            for (ModelCatalog.File f : e.files()) {
                JsonObject fj = new JsonObject();
                fj.addProperty("path", f.path());
                fj.addProperty("size", f.size());
                fj.addProperty("size_source", f.sizeSource());
                files.add(fj);
            }
            m.add("files", files);
            JsonArray needs = new JsonArray();
            for (int i = 0; i < r.needs().size(); i++) {
                ModelNeeds.Need need = r.needs().get(i);
                JsonObject nj = new JsonObject();
                nj.addProperty("task", need.task());
                nj.addProperty("window", need.window());
                nj.addProperty("gpu_memory_bytes", need.bytes());
                nj.addProperty("here", r.fits().get(i));
                needs.add(nj);
            }
            m.add("gpu_memory", needs);
            e.fp8Warning().ifPresent(w -> m.addProperty("fp8_warning", w));
            models.add(m);
        }
        o.add("models", models);
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o)
                + System.lineSeparator();
    }

    /** {@code models download}: {@link ModelDownloads}, one repository after another. */
    @Command(name = "download", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Download Evo 2 checkpoints from the Hugging Face Hub, verified: every file is checked "
                    + "against its published SHA-256 (or git blob id) before it gets its name, an interrupted "
                    + "download resumes where it stopped, and split checkpoints stay as parts.",
                "The Hub is HF_ENDPOINT (default https://huggingface.co), with the token in HF_TOKEN when set; "
                        + "proxies through -Dhttps.proxyHost/-Dhttps.proxyPort in JAVA_OPTS or HTTPS_PROXY.",
                "Several repositories are downloaded one after another.",
                "Example: evo2wb models download arcinstitute/evo2_7b"})
    static final class Download implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "REPO_ID", description = "Hub repositories, e.g. arcinstitute/evo2_7b.")
        List<String> repos;

        @Option(names = "--revision", paramLabel = "<rev>", description = "Branch, tag or commit (default: main).")
        String revision;

        @Option(names = "--dir", paramLabel = "<folder>",
                description = "Folder the files land in (default: models/<name> in the workbench's data folder, "
                        + "~/.evo2wb). With several repositories, each goes into <folder>/<name>.")
        Path dir;

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            PrintWriter out = spec.commandLine().getOut();
            for (String repo : repos) {
                Optional<Path> folder = Optional.ofNullable(dir)
                        .map(d -> repos.size() > 1 ? d.resolve(repo.substring(repo.indexOf('/') + 1)) : d);
                HubDownload task;
                try {
                    task = ModelDownloads.create(repo, Optional.ofNullable(revision), folder);
                } catch (IllegalArgumentException e) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
                }
                HubDownload.Result r = TaskConsole.run(task, err, () -> line(task));
                out.println(summary(r));
                out.flush();
            }
            return Evo2wbCli.EXIT_OK;
        }

        static String line(HubDownload task) {
            String note = task.retryNote();
            return task.repo() + ": " + task.message() + " " + task.figures() + (note.isEmpty() ? "" : " (" + note
                    + ")");
        }
    }

    /** What was downloaded, where, and how to use it. */
    static String summary(HubDownload.Result r) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "Downloaded %s%s into %s: %d files, %s "
                + "verified (%s fetched)", r.repo(), r.commit().isEmpty() ? "" : " at commit " + r.commit(),
                r.folder(), r.files().size(), TrainingMemoryEstimate.bytes(r.files().stream()
                        .mapToLong(ModelsCommand::size).sum()), TrainingMemoryEstimate.bytes(r.downloadedBytes())));
        r.checkpoint().ifPresent(c -> b.append(System.lineSeparator()).append("Use it with --model ").append(c)
                .append(" (or open it in the Models view)"));
        return b.toString();
    }

    private static long size(Path p) {
        try {
            return java.nio.file.Files.size(p);
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
