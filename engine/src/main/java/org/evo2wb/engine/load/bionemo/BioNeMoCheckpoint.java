package org.evo2wb.engine.load.bionemo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.evo2wb.engine.checkpoint.CheckpointFile;
import org.evo2wb.engine.checkpoint.CheckpointFormatException;
import org.evo2wb.engine.checkpoint.Checkpoints;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.Integrity;
import org.evo2wb.engine.checkpoint.TensorInfo;
import org.evo2wb.engine.checkpoint.TorchCheckpoint;
import org.evo2wb.engine.model.Evo2Config;

/**
 * A checkpoint written by NVIDIA BioNeMo's Evo 2 recipe, opened as the Evo 2 model: a Megatron Bridge folder (full
 * weights, or LoRA adapters combined with their base model) or a Savanna model-state file. Tensors appear under the
 * released checkpoints' names ({@link VortexMapping}); copied tensors are memory-mapped slices of the shards, the few
 * the recipe computes (medium and long filters, RoPE frequencies, LoRA-merged weights) are made in fp32 when read.
 *
 * <p>What a user may name: the Megatron Bridge top folder or one of its {@code iter_NNNNNNN} folders; a Savanna
 * {@code mp_rank_00_model_states.pt} (also in byte parts {@code .pt.part0, …}), its {@code global_stepN} folder, or
 * the folder holding {@code latest}. The model config of a Megatron Bridge folder comes from its
 * {@code run_config.yaml}; a Savanna file records none, so it is the config given, a YAML next to the file
 * ({@code <name>.yml}, {@code config.yml}), or the bundled preset the tensors fit.
 *
 * <p>A LoRA folder (its {@code run_config.yaml} has a {@code peft} section, its shards only adapters) is combined with
 * the base model chosen by {@link #useBaseModel} or given to {@link #open}, else the one its run config records
 * ({@code checkpoint.pretrained_checkpoint}), which must then exist on this machine.
 */
public final class BioNeMoCheckpoint implements CheckpointFile {

    /** What sort of BioNeMo checkpoint. */
    public enum Kind { MEGATRON_BRIDGE, MEGATRON_BRIDGE_LORA, SAVANNA }

    /** Savanna's (DeepSpeed's) model-state file of tensor-parallel rank 0. */
    public static final String SAVANNA_FILE = "mp_rank_00_model_states.pt";

    private static final String DEFAULT_SAVANNA_NOTE = "a Savanna checkpoint records no model config";

    /** Base models picked by the user for LoRA folders, by the LoRA iteration folder. */
    private static final Map<Path, Path> CHOSEN_BASES = new ConcurrentHashMap<>();

    private final String name;
    private final Kind kind;
    private final NamedTensors source;
    private final Map<String, VortexMapping.Mapped> mapped;
    private final Evo2Config config;
    private final String configOrigin;
    private final Path baseModel;

    private BioNeMoCheckpoint(String name, Kind kind, NamedTensors source, Map<String, VortexMapping.Mapped> mapped,
                              Evo2Config config, String configOrigin, Path baseModel) {
        this.name = name;
        this.kind = kind;
        this.source = source;
        this.mapped = Collections.unmodifiableMap(mapped);
        this.config = config;
        this.configOrigin = configOrigin;
        this.baseModel = baseModel;
    }

    // ------------------------------------------------------------------ recognising

    /**
     * True when {@code path} is a folder this class opens: a Megatron Bridge checkpoint (top or {@code iter_*}) or a
     * Savanna one ({@code global_stepN} or the folder with {@code latest}).
     */
    public static boolean isBioNeMoFolder(Path path) {
        return Files.isDirectory(path) && (MegatronBridgeFolder.looksLike(path) || savannaFile(path).isPresent());
    }

    /** True when {@code file} is a torch.save file with Savanna's tensor names (read from its index only). */
    public static boolean isSavanna(TorchCheckpoint file) {
        return file.infos().keySet().stream().anyMatch(k -> k.endsWith("sequential.0.word_embeddings.weight"));
    }

    /** True when {@code file} is a zip-format torch.save file with Savanna's tensor names. */
    public static boolean isSavannaFile(Path file) {
        String n = file.getFileName().toString();
        if (!n.endsWith(".pt") && !n.matches(".*\\.pt\\.part\\d+")) {
            return false;
        }
        try (TorchCheckpoint zip = TorchCheckpoint.open(file, Integrity.TRUSTED)) {
            return isSavanna(zip);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The model-state file of a Savanna folder ({@code global_stepN}, or the folder whose {@code latest} names one). */
    public static Optional<Path> savannaFile(Path folder) {
        Path direct = folder.resolve(SAVANNA_FILE);
        if (Files.isRegularFile(direct) || Files.isRegularFile(folder.resolve(SAVANNA_FILE + ".part0"))) {
            return Optional.of(Files.isRegularFile(direct) ? direct : folder.resolve(SAVANNA_FILE + ".part0"));
        }
        Path latest = folder.resolve("latest");
        if (Files.isRegularFile(latest)) {
            try {
                String tag = Files.readString(latest, StandardCharsets.UTF_8).trim();
                if (!tag.isEmpty() && !tag.contains("/") && !tag.contains("..")) {
                    Path inner = folder.resolve(tag);
                    if (Files.isDirectory(inner) && !inner.equals(folder)) {
                        return savannaFile(inner);
                    }
                }
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * Uses {@code base} as the base model of the LoRA checkpoint {@code lora} from now on (instead of the path its
     * run config records, which may lie on another machine). {@code base} is a Megatron Bridge folder.
     */
    public static void useBaseModel(Path lora, Path base) throws IOException {
        if (!MegatronBridgeFolder.looksLike(base)) {
            throw new CheckpointFormatException(base + ": not a Megatron Bridge checkpoint folder; a LoRA "
                    + "checkpoint's base model is the folder it was fine-tuned from");
        }
        CHOSEN_BASES.put(MegatronBridgeFolder.open(lora).iterDir(), base.toAbsolutePath().normalize());
    }

    /**
     * For a LoRA folder holding adapters only, whose base model is neither chosen ({@link #useBaseModel}) nor found
     * where its run config records it: the recorded path (or "" when none is recorded). Empty otherwise.
     */
    public static Optional<String> missingBaseModel(Path path) throws IOException {
        if (!Files.isDirectory(path) || !MegatronBridgeFolder.looksLike(path)) {
            return Optional.empty();
        }
        MegatronBridgeFolder folder = MegatronBridgeFolder.open(path);
        if (folder.peft().isEmpty() || CHOSEN_BASES.containsKey(folder.iterDir())) {
            return Optional.empty();
        }
        try (DcpCheckpoint own = DcpCheckpoint.open(folder.iterDir(), Integrity.TRUSTED)) {
            if (own.infos().containsKey("embedding.word_embeddings.weight")) {
                return Optional.empty();
            }
        }
        String recorded = folder.pretrainedCheckpoint().orElse("");
        return !recorded.isEmpty() && MegatronBridgeFolder.looksLike(Path.of(recorded)) ? Optional.empty()
                : Optional.of(recorded);
    }

    // ------------------------------------------------------------------ opening

    /**
     * Opens any weights a user names: a BioNeMo checkpoint folder or a Savanna model-state file as the model it holds,
     * anything else as {@link Checkpoints#open(Path, Integrity)} does.
     */
    public static CheckpointFile openAny(Path path, Integrity integrity) throws IOException {
        if (Files.isDirectory(path) && isBioNeMoFolder(path)) {
            return open(path, integrity, null, null);
        }
        CheckpointFile f = Checkpoints.open(path, integrity);
        if (f instanceof TorchCheckpoint t && isSavanna(t)) {
            try {
                return savanna(t, path, null);
            } catch (IOException | RuntimeException e) {
                t.close();
                throw e;
            }
        }
        return f;
    }

    /**
     * Opens a BioNeMo checkpoint.
     *
     * @param path      a Megatron Bridge folder, a Savanna folder or model-state file
     * @param integrity whether {@code torch.save} CRC-32 checksums are checked
     * @param config    the model config to use, or null (Megatron Bridge: from its run config; Savanna: next to the
     *                  file or the fitting preset)
     * @param base      the base model of a LoRA folder, or null (the one chosen by {@link #useBaseModel}, else the
     *                  recorded one)
     */
    public static BioNeMoCheckpoint open(Path path, Integrity integrity, Evo2Config config, Path base)
            throws IOException {
        if (Files.isDirectory(path) && MegatronBridgeFolder.looksLike(path)) {
            return openMegatronBridge(path, integrity, config, base);
        }
        Path file = Files.isDirectory(path) ? savannaFile(path).orElseThrow(() -> new CheckpointFormatException(path
                + ": neither a Megatron Bridge checkpoint (no .metadata, iter_* folders or "
                + MegatronBridgeFolder.LATEST + ") nor a Savanna one (no " + SAVANNA_FILE + " or latest)")) : path;
        TorchCheckpoint zip = TorchCheckpoint.open(file, integrity);
        try {
            return savanna(zip, file, config);
        } catch (IOException | RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    /** Wraps an open Savanna model-state file (which this checkpoint then closes). */
    public static BioNeMoCheckpoint savanna(TorchCheckpoint zip, Path file, Evo2Config config) throws IOException {
        SavannaTensors sv = new SavannaTensors(zip);
        String origin;
        if (config == null) {
            Optional<Path> yml = configNextTo(file);
            if (yml.isPresent()) {
                config = Evo2Config.load(yml.get());
                origin = yml.get().getFileName() + " next to the weights";
            } else {
                Map<String, long[]> shapes = shapes(VortexMapping.map(sv, sv.pattern(), 128, 10000, 128));
                List<String> fits = Evo2Config.presetsMatching(shapes);
                if (fits.isEmpty()) {
                    throw new CheckpointFormatException(file + ": " + DEFAULT_SAVANNA_NOTE + " and its tensors fit no "
                            + "bundled preset; put the model's config YAML next to it (config.yml) or give it with "
                            + "--config");
                }
                config = Evo2Config.preset(fits.get(0));
                origin = "preset " + fits.get(0) + ", inferred from the tensor shapes";
            }
        } else {
            origin = "the config given";
        }
        if (!config.pattern().equals(sv.pattern())) {
            throw new CheckpointFormatException(file + ": its layers are " + sv.pattern() + " but the config ("
                    + origin + ") has " + config.pattern());
        }
        Map<String, VortexMapping.Mapped> m = VortexMapping.map(sv, sv.pattern(), config.headDim(),
                config.rotaryEmbBase(), config.hcmFilterLength());
        return new BioNeMoCheckpoint(file.toString(), Kind.SAVANNA, sv, m, config, origin, null);
    }

    private static BioNeMoCheckpoint openMegatronBridge(Path path, Integrity integrity, Evo2Config given, Path base)
            throws IOException {
        MegatronBridgeFolder folder = MegatronBridgeFolder.open(path);
        DcpCheckpoint own = DcpCheckpoint.open(folder.iterDir(), integrity);
        NamedTensors tensors = own;
        Kind kind = Kind.MEGATRON_BRIDGE;
        Path baseUsed = null;
        try {
            boolean adapters = own.infos().keySet().stream().anyMatch(LoraMerged::isAdapter);
            if (adapters) {
                Map<String, Object> peft = folder.peft().orElseThrow(() -> new CheckpointFormatException(
                        folder.runConfigFile() + ": the checkpoint holds LoRA adapters but its run config has no "
                                + "peft section (their rank and alpha)"));
                int dim = intOf(peft, "dim", folder.runConfigFile() + ": peft.dim");
                double alpha = numberOf(peft, "alpha", folder.runConfigFile() + ": peft.alpha");
                NamedTensors baseTensors;
                if (own.infos().containsKey("embedding.word_embeddings.weight")) {
                    baseTensors = own; // adapters saved together with the full weights
                } else {
                    baseUsed = baseFor(folder, base);
                    MegatronBridgeFolder baseFolder = MegatronBridgeFolder.open(baseUsed);
                    baseTensors = DcpCheckpoint.open(baseFolder.iterDir(), integrity);
                }
                tensors = new LoraMerged(baseTensors, own, dim, alpha);
                kind = Kind.MEGATRON_BRIDGE_LORA;
            }
            Map<String, Object> model = folder.model();
            String pattern = stringOf(model, "hybrid_override_pattern", folder.runConfigFile()
                    + ": model.hybrid_override_pattern");
            int hidden = intOf(model, "hidden_size", folder.runConfigFile() + ": model.hidden_size");
            int heads = intOf(model, "num_attention_heads", folder.runConfigFile() + ": model.num_attention_heads");
            double rotaryBase = model.get("rotary_base") instanceof Number n ? n.doubleValue() : 10000;
            int medium = model.get("hyena_medium_conv_len") instanceof Number n ? n.intValue() : 128;
            Map<String, VortexMapping.Mapped> m = VortexMapping.map(tensors, pattern, hidden / heads, rotaryBase,
                    medium);
            String label = folderLabel(folder.iterDir());
            Evo2Config config = given != null ? given
                    : MegatronBridgeConfig.config(label, model, shapes(m), folder.runConfigFile());
            String origin = given != null ? "the config given" : "run_config.yaml of " + label;
            return new BioNeMoCheckpoint(folder.iterDir().toString(), kind, tensors, m, config, origin, baseUsed);
        } catch (IOException | RuntimeException e) {
            tensors.close();
            if (tensors != own) {
                own.close();
            }
            throw e;
        }
    }

    private static Path baseFor(MegatronBridgeFolder lora, Path given) throws CheckpointFormatException {
        Path chosen = given != null ? given : CHOSEN_BASES.get(lora.iterDir());
        if (chosen != null) {
            if (!MegatronBridgeFolder.looksLike(chosen)) {
                throw new CheckpointFormatException(chosen + ": the base model chosen for the LoRA checkpoint "
                        + lora.iterDir() + " is not a Megatron Bridge checkpoint folder");
            }
            return chosen;
        }
        String recorded = lora.pretrainedCheckpoint().orElseThrow(() -> new CheckpointFormatException(
                lora.runConfigFile() + ": a LoRA checkpoint (adapters only) whose run config records no base model "
                        + "(checkpoint.pretrained_checkpoint); choose its base model folder"));
        Path p = Path.of(recorded);
        if (!MegatronBridgeFolder.looksLike(p)) {
            throw new CheckpointFormatException(lora.runConfigFile() + ": the LoRA adapters were trained on the base "
                    + "model " + recorded + " (checkpoint.pretrained_checkpoint), which is not on this machine; "
                    + "choose the base model folder (--base-model on the command line)");
        }
        return p;
    }

    private static String folderLabel(Path iterDir) {
        Path parent = iterDir.getParent();
        return (parent != null && parent.getFileName() != null ? parent.getFileName() + "/" : "")
                + iterDir.getFileName();
    }

    // ------------------------------------------------------------------ what it is

    /** The model config: from the run config, the config given, a YAML next to a Savanna file, or a preset. */
    public Evo2Config config() {
        return config;
    }

    /** Where {@link #config()} came from, in words. */
    public String configOrigin() {
        return configOrigin;
    }

    public Kind kind() {
        return kind;
    }

    /** The base model folder a LoRA checkpoint was combined with (empty for full weights). */
    public Optional<Path> baseModel() {
        return Optional.ofNullable(baseModel);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Format format() {
        return kind == Kind.SAVANNA ? Format.SAVANNA : Format.MEGATRON_BRIDGE;
    }

    @Override
    public Map<String, TensorInfo> infos() {
        Map<String, TensorInfo> out = new LinkedHashMap<>();
        mapped.forEach((k, v) -> out.put(k, v.info()));
        return out;
    }

    @Override
    public HostTensor tensor(String key) throws IOException {
        VortexMapping.Mapped m = mapped.get(key);
        if (m == null) {
            throw new CheckpointFormatException(name + ": no tensor '" + key + "'");
        }
        HostTensor t = m.producer().get();
        if (t.type() != m.info().type() || !java.util.Arrays.equals(t.shape(), m.info().shape())) {
            throw new CheckpointFormatException(name + ": tensor '" + key + "' read as " + t + " but indexed as "
                    + m.info());
        }
        return t;
    }

    @Override
    public void close() throws IOException {
        source.close();
    }

    // ------------------------------------------------------------------ helpers

    private static Map<String, long[]> shapes(Map<String, VortexMapping.Mapped> m) {
        Map<String, long[]> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v.info().shape()));
        return out;
    }

    /** The config YAML next to a weights file, by the rule of {@code ModelFiles.configNextTo}. */
    private static Optional<Path> configNextTo(Path weights) {
        String file = weights.getFileName().toString();
        String stem = file.replaceFirst("\\.pt\\.part\\d+$", "").replaceFirst("\\.pt$", "");
        Path dir = weights.toAbsolutePath().getParent();
        for (String n : new String[] {stem + ".yml", stem + ".yaml", "config.yml", "config.yaml"}) {
            if (Files.isRegularFile(dir.resolve(n))) {
                return Optional.of(dir.resolve(n));
            }
        }
        return Optional.empty();
    }

    static int intOf(Map<String, Object> m, String key, String what) throws CheckpointFormatException {
        if (m.get(key) instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.intValue();
        }
        throw new CheckpointFormatException(what + " is " + (m.containsKey(key) ? "'" + m.get(key) + "'" : "missing")
                + ", expected a whole number");
    }

    static double numberOf(Map<String, Object> m, String key, String what) throws CheckpointFormatException {
        if (m.get(key) instanceof Number n) {
            return n.doubleValue();
        }
        throw new CheckpointFormatException(what + " is " + (m.containsKey(key) ? "'" + m.get(key) + "'" : "missing")
                + ", expected a number");
    }

    static String stringOf(Map<String, Object> m, String key, String what) throws CheckpointFormatException {
        if (m.get(key) instanceof String s && !s.isBlank()) {
            return s;
        }
        throw new CheckpointFormatException(what + " is " + (m.containsKey(key) ? "'" + m.get(key) + "'" : "missing"));
    }
}
