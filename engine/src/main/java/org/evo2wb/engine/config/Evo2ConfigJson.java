package org.evo2wb.engine.config;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A config as a JSON object with the official YAML field names ({@code {"hidden_size": 4096, ...}}), as a run
 * record keeps it. JSON is YAML, so reading back goes through the same parser and checks as a YAML file.
 */
public final class Evo2ConfigJson {

    private static final Gson GSON = new Gson();

    private Evo2ConfigJson() {
    }

    public static JsonObject toJson(Evo2Config config) {
        Object fields = new Yaml(new SafeConstructor(new LoaderOptions())).load(config.toYaml());
        return GSON.toJsonTree((Map<?, ?>) fields).getAsJsonObject();
    }

    /**
     * Reads {@link #toJson}; {@code source} (e.g. {@code run.json}) names it in error messages.
     *
     * @throws Evo2ConfigException when fields are missing or invalid (an empty object says the config is missing)
     */
    public static Evo2Config fromJson(JsonObject json, String source) {
        if (json == null || json.size() == 0) {
            throw new Evo2ConfigException(source, java.util.List.of("no model config recorded"));
        }
        return Evo2Config.parse(json.toString(), source);
    }
}
