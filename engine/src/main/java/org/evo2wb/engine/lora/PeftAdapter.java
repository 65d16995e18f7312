package org.evo2wb.engine.lora;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.Safetensors;
import org.evo2wb.engine.checkpoint.TensorInfo;
import org.evo2wb.engine.checkpoint.TensorSource;
import org.evo2wb.engine.io.AtomicFiles;

/**
 * A LoRA adapter on disk in Hugging Face PEFT's layout:
 *
 * <pre>
 *   adapter_model.safetensors   base_model.model.&lt;layer&gt;.lora_A.weight (r, in),
 *                               base_model.model.&lt;layer&gt;.lora_B.weight (out, r), fp32
 *   adapter_config.json         {"peft_type": "LORA", "r": 16, "lora_alpha": 32, "lora_dropout": 0.1,
 *                                "target_modules": [layer names], "bias": "none", ...}
 * </pre>
 *
 * Layer names are the Evo 2 checkpoint prefixes ({@code blocks.0.mlp.l1}); {@code target_modules} lists them in
 * full, which PEFT matches exactly. The folder is written to a temporary sibling and renamed into place.
 */
public final class PeftAdapter {

    public static final String WEIGHTS = "adapter_model.safetensors";
    public static final String CONFIG = "adapter_config.json";
    private static final String PREFIX = "base_model.model.";

    private PeftAdapter() {
    }

    /**
     * What the config says.
     *
     * @param baseModel name of the model the adapter was trained on
     * @param rank      r
     * @param alpha     α
     * @param dropout   dropout used in training
     * @param modules   layer names carrying an adapter
     */
    public record Config(String baseModel, int rank, double alpha, double dropout, List<String> modules) {

        public Config {
            modules = List.copyOf(modules);
        }
    }

    /** An adapter read back: its config, and its weights under the model's names ({@code <layer>.lora_A.weight}). */
    public record Saved(Config config, Map<String, HostTensor> weights) {
    }

    /** PEFT's key for a model-side adapter name. */
    public static String peftKey(String name) {
        return PREFIX + name;
    }

    /**
     * Writes the adapter folder.
     *
     * @param layout tensors by model-side name ({@code <layer>.lora_A.weight}, {@code <layer>.lora_B.weight})
     * @param source gives each tensor by its model-side name when written
     */
    public static void write(Path dir, Config config, Map<String, TensorInfo> layout, TensorSource source)
            throws IOException {
        Map<String, TensorInfo> peftLayout = new LinkedHashMap<>();
        layout.forEach((k, v) -> peftLayout.put(peftKey(k), v));
        Path tmp = AtomicFiles.temporarySibling(dir);
        Files.createDirectories(tmp);
        try {
            Path w = tmp.resolve(WEIGHTS);
            Safetensors.write(w, peftLayout, key -> source.get(key.substring(PREFIX.length())),
                    Map.of("format", "pt"));
            AtomicFiles.fsync(w);
            Path c = tmp.resolve(CONFIG);
            Files.writeString(c, new GsonBuilder().setPrettyPrinting().serializeNulls().create()
                    .toJson(configJson(config)), StandardCharsets.UTF_8);
            AtomicFiles.fsync(c);
            AtomicFiles.replaceDirectory(tmp, dir);
        } finally {
            AtomicFiles.deleteTree(tmp);
        }
    }

    static JsonObject configJson(Config c) {
        JsonObject o = new JsonObject();
        o.addProperty("peft_type", "LORA");
        o.addProperty("task_type", "CAUSAL_LM");
        o.addProperty("base_model_name_or_path", c.baseModel());
        o.addProperty("r", c.rank());
        if (c.alpha() == Math.rint(c.alpha())) {
            o.addProperty("lora_alpha", (long) c.alpha());
        } else {
            o.addProperty("lora_alpha", c.alpha());
        }
        o.addProperty("lora_dropout", c.dropout());
        JsonArray modules = new JsonArray();
        c.modules().forEach(modules::add);
        o.add("target_modules", modules);
        o.addProperty("bias", "none");
        o.addProperty("fan_in_fan_out", false);
        o.addProperty("inference_mode", true);
        o.addProperty("init_lora_weights", true);
        o.add("modules_to_save", JsonNull.INSTANCE);
        o.addProperty("use_rslora", false);
        o.addProperty("use_dora", false);
        o.add("revision", JsonNull.INSTANCE);
        return o;
    }

    /** Reads an adapter folder; errors name the file and the field. */
    public static Saved read(Path dir) throws IOException {
        Path c = dir.resolve(CONFIG);
        JsonObject o;
        try {
            o = JsonParser.parseString(Files.readString(c, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IOException(c + ": not valid JSON: " + e.getMessage(), e);
        }
        if (o.get("peft_type") == null || !"LORA".equals(o.get("peft_type").getAsString())) {
            throw new IOException(c + ": peft_type is not LORA");
        }
        List<String> modules = new ArrayList<>();
        JsonElement t = o.get("target_modules");
        if (t == null || !t.isJsonArray()) {
            throw new IOException(c + ": target_modules must be a list of layer names");
        }
        t.getAsJsonArray().forEach(e -> modules.add(e.getAsString()));
        Config config;
        try {
            config = new Config(o.get("base_model_name_or_path").getAsString(), o.get("r").getAsInt(),
                    o.get("lora_alpha").getAsDouble(), o.get("lora_dropout").getAsDouble(), modules);
        } catch (RuntimeException e) {
            throw new IOException(c + ": missing or malformed field (r, lora_alpha, lora_dropout, "
                    + "base_model_name_or_path): " + e.getMessage(), e);
        }
        Map<String, HostTensor> weights = new LinkedHashMap<>();
        Safetensors.read(dir.resolve(WEIGHTS)).forEach((k, v) -> {
            if (k.startsWith(PREFIX)) {
                weights.put(k.substring(PREFIX.length()), v);
            }
        });
        return new Saved(config, weights);
    }
}
