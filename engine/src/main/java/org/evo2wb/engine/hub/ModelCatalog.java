package org.evo2wb.engine.hub;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.evo2wb.engine.model.Evo2Config;

/**
 * The released Evo 2 checkpoints of the Hub's {@code arcinstitute} organisation, as data: the resource
 * {@value #RESOURCE} lists each repository with its files and sizes, the Evo 2 preset its weights fit, its context
 * and a line about it, and the date it was checked. Parameters and the FP8 warning come from the preset; the
 * memory a model needs from {@link ModelNeeds}.
 *
 * @param checked when the list was checked against the Hub
 * @param source where the figures come from (and how exact the sizes are)
 * @param models the checkpoints, recommended first
 */
public record ModelCatalog(LocalDate checked, String source, List<Entry> models) {

    /** The catalog's resource on the class path. */
    public static final String RESOURCE = "/org/evo2wb/engine/hub/evo2-checkpoints.json";

    /**
     * A file of a checkpoint.
     *
     * @param sizeSource how exact {@code size} is: {@code exact}, {@code hub-page} (rounded as the Hub shows it) or
     *                   {@code estimate} (2 bytes per parameter)
     */
    public record File(String path, long size, String sizeSource) {}

    /**
     * One released checkpoint.
     *
     * @param repo the Hub repository id ({@code arcinstitute/evo2_7b})
     * @param name what the user sees ({@code Evo 2 7B})
     * @param preset the config preset the weights fit ({@code evo2-7b-1m})
     * @param context the context it was trained to, in bases
     * @param description one line about it
     * @param files its weights files (the repository also holds a few small files)
     */
    public record Entry(String repo, String name, String preset, int context, String description, List<File> files) {

        /** The preset's config. */
        public Evo2Config config() {
            return Evo2Config.preset(preset);
        }

        /** Parameters of the model, from its preset. */
        public long parameters() {
            return config().parameterCount();
        }

        /** Disk the download takes (the parts stay parts: no second copy). */
        public long diskBytes() {
            return files.stream().mapToLong(File::size).sum();
        }

        /** Whether any size is only an estimate or a rounded figure. */
        public boolean sizeApproximate() {
            return files.stream().anyMatch(f -> !f.sizeSource().equals("exact"));
        }

        /** The warning for models accurate only with FP8 (1B, 20B, 40B), if this is one. */
        public Optional<String> fp8Warning() {
            return config().fp8Warning(files.get(0).path());
        }

        /** The weights file to open once downloaded: the {@code .pt}, or the first part of a split one. */
        public String checkpointFile() {
            return files.get(0).path();
        }
    }

    /** The catalog shipped with the workbench. */
    public static ModelCatalog load() {
        try (InputStream in = ModelCatalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the model catalog " + RESOURCE + " is missing from this build");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the model catalog " + RESOURCE, e);
        }
    }

    static ModelCatalog parse(String json) {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        List<Entry> models = new ArrayList<>();
        for (JsonElement e : o.getAsJsonArray("models")) {
            JsonObject m = e.getAsJsonObject();
            List<File> files = new ArrayList<>();
            for (JsonElement f : m.getAsJsonArray("files")) {
                JsonObject fo = f.getAsJsonObject();
                files.add(new File(fo.get("path").getAsString(), fo.get("size").getAsLong(),
                        fo.get("sizeSource").getAsString()));
            }
            models.add(new Entry(m.get("repo").getAsString(), m.get("name").getAsString(),
                    m.get("preset").getAsString(), m.get("context").getAsInt(), m.get("description").getAsString(),
                    List.copyOf(files)));
        }
        return new ModelCatalog(LocalDate.parse(o.get("checked").getAsString()), o.get("source").getAsString(),
                List.copyOf(models));
    }

    /** The entry of a repository id, if the catalog lists it. */
    public Optional<Entry> find(String repo) {
        return models.stream().filter(m -> m.repo.equalsIgnoreCase(repo)).findFirst();
    }
}
