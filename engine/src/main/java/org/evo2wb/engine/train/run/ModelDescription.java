package org.evo2wb.engine.train.run;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * The model a run starts from, as the run record names it.
 *
 * @param name             e.g. {@code evo2_7b_base}
 * @param config           the model configuration (Evo 2 YAML fields), as JSON
 * @param sourceCheckpoint path of the starting checkpoint file
 * @param sourceSha256     its SHA-256 (hex), to refuse resuming on other weights
 */
public record ModelDescription(String name, JsonObject config, String sourceCheckpoint, String sourceSha256) {

    /**
     * Describes an Evo 2 checkpoint with its config (recorded field for field, as in the official YAML), computing
     * the file's SHA-256 (reads the whole file: seconds per GB).
     */
    public static ModelDescription of(String name, org.evo2wb.engine.model.Evo2Config config,
                                      java.nio.file.Path checkpoint) throws java.io.IOException {
        return of(name, configJson(config), checkpoint);
    }

    /** The config's YAML fields as a JSON object. */
    public static JsonObject configJson(org.evo2wb.engine.model.Evo2Config config) {
        Object yaml = new org.yaml.snakeyaml.Yaml().load(config.toYaml());
        return new com.google.gson.Gson().toJsonTree(yaml).getAsJsonObject();
    }

    /** Describes a checkpoint file, computing its SHA-256 (reads the whole file: seconds per GB). */
    public static ModelDescription of(String name, JsonObject config, java.nio.file.Path checkpoint)
            throws java.io.IOException {
        return new ModelDescription(name, config, checkpoint.toAbsolutePath().toString(),
                org.evo2wb.engine.io.Sha256.of(checkpoint));
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("name", name);
        o.addProperty("source-checkpoint", sourceCheckpoint);
        o.addProperty("source-sha256", sourceSha256);
        o.add("config", config == null ? new JsonObject() : config.deepCopy());
        return o;
    }

    public static ModelDescription fromJson(JsonObject o) {
        JsonElement c = o.get("config");
        return new ModelDescription(o.get("name").getAsString(), c == null ? new JsonObject() : c.getAsJsonObject(),
                o.get("source-checkpoint").getAsString(), o.get("source-sha256").getAsString());
    }
}
