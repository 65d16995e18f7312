package org.evo2wb.engine.model;

import com.google.gson.JsonObject;

/**
 * Reads a config kept as a JSON object with the official YAML field names ({@code {"hidden_size": 4096, ...}}), as a
 * run record keeps it ({@code ModelDescription.configJson}). JSON is YAML, so it goes through the same parser and
 * checks as a YAML file.
 */
public final class Evo2ConfigJson {

    private Evo2ConfigJson() {
    }

    /**
     * Reads the JSON form; {@code source} (e.g. {@code run.json}) names it in error messages.
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
