package org.evo2wb.engine.finetune;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.evo2wb.bio.ReadProgress;
import org.evo2wb.bio.SequenceFiles;
import org.evo2wb.bio.SequenceFormatException;
import org.evo2wb.bio.SequenceRecord;
import org.evo2wb.engine.io.AtomicFiles;
import org.evo2wb.engine.io.Sha256;
import org.evo2wb.engine.train.data.RecordSelection;
import org.evo2wb.engine.train.data.RecordSelection.RecordRef;
import org.evo2wb.engine.train.data.RecordSelection.Source;
import org.evo2wb.engine.train.data.TrainingData;
import org.evo2wb.engine.train.run.RunFolder;
import org.evo2wb.engine.train.settings.FineTuneSettings;

/**
 * Everything a fine-tuning run reads, whether it was started in the Fine-tune view or with {@code evo2wb finetune}:
 * the sequence files, which of their records are trained on, whether only the spans of one feature type are cut
 * into windows, and how validation records are chosen. Written into the run folder as {@value #FILE} so that resuming
 * — from the view or the command line — needs only the folder and reads exactly the same windows:
 *
 * <pre>
 *   train               [path]                   files whose records are trained on
 *   validation          [path]                   separate validation files (every record held out)
 *   sha256              {path: hex}              checksums of the files, when records are chosen
 *   records             [{file, id}] | null      the chosen records (file = index into train); null: every record
 *   feature-type        "CDS" | null             train on the spans of this feature type; null: whole records
 *   validation-records  [{file, id}] | null      records held out by hand; null: separate files or the seeded split
 * </pre>
 *
 * Run folders written by earlier versions still open: {@code inputs.json} with only {@code train} and
 * {@code validation} (command line), {@code selection.json} (Fine-tune view), or neither (the files of the data
 * manifest in {@code run.json}, all as training files).
 *
 * @param train             files whose records are trained on, absolute
 * @param validation        separate validation files, absolute (empty: validation comes from the training files)
 * @param records           the chosen records of the training files, or null for every record
 * @param featureType       train on the spans of features of this type, or null for whole records
 * @param validationRecords records held out for validation, or null (separate files, or split by fraction and seed)
 * @param sha256            checksums of files as they were when the run started (may be empty)
 */
public record FineTuneInputs(List<Path> train, List<Path> validation, List<RecordRef> records, String featureType,
                             List<RecordRef> validationRecords, Map<Path, String> sha256) {

    public static final String FILE = "inputs.json";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().create();

    public FineTuneInputs {
        train = absolute(train);
        validation = absolute(validation);
        records = records == null ? null : records.stream().map(FineTuneInputs::absolute).toList();
        validationRecords = validationRecords == null ? null
                : validationRecords.stream().map(FineTuneInputs::absolute).toList();
        if (featureType != null && featureType.isBlank()) {
            featureType = null;
        }
        Map<Path, String> sums = new LinkedHashMap<>();
        sha256.forEach((p, s) -> sums.put(p.toAbsolutePath().normalize(), s.toLowerCase(Locale.ROOT)));
        sha256 = Map.copyOf(sums);
        if (!validation.isEmpty() && (records != null || featureType != null || validationRecords != null)) {
            throw new IllegalArgumentException("separate validation files go with every record of the training "
                    + "files, whole; to choose records or a feature type, choose the validation records among them");
        }
        Set<Path> known = new HashSet<>(train);
        for (List<RecordRef> list : java.util.Arrays.asList(records, validationRecords)) {
            if (list != null) {
                for (RecordRef r : list) {
                    if (!known.contains(r.file())) {
                        throw new IllegalArgumentException("record '" + r.id() + "' names " + r.file()
                                + ", which is not one of the training files");
                    }
                }
            }
        }
    }

    /** Every record of the training files; validation from separate files, or split off when there are none. */
    public static FineTuneInputs files(List<Path> train, List<Path> validation) {
        return new FineTuneInputs(train, validation, null, null, null, Map.of());
    }

    /**
     * The records ticked in the Fine-tune view: the files are those of the records, in first-use order.
     *
     * @param featureType       a feature type to train on, or null for whole records
     * @param validationRecords records held out by hand, or null to split by the fraction and seed
     */
    public static FineTuneInputs records(List<RecordRef> records, String featureType,
                                         List<RecordRef> validationRecords) {
        RecordSelection s = RecordSelection.of(records, featureType, validationRecords);
        return new FineTuneInputs(s.files(), List.of(), s.records(), s.featureType(), s.validationRecords(),
                Map.of());
    }

    /**
     * The inputs of a choice made in the Fine-tune view. When every record of the files is ticked, whole, with the
     * seeded validation split, the files are the inputs (as {@code evo2wb finetune --train} gives them), so that the
     * view's run and the command line's record the same data.
     *
     * @param everyRecord every record of the selection's files is chosen
     */
    public static FineTuneInputs of(RecordSelection selection, boolean everyRecord) {
        if (everyRecord && selection.featureType() == null && !selection.validationChosen()) {
            return files(selection.files(), List.of());
        }
        return records(selection.records(), selection.featureType(), selection.validationRecords());
    }

    /**
     * Inputs and the records read to make them.
     *
     * @param inputs the inputs
     * @param sources every record of the training files, to pass to the launcher instead of reading them again
     */
    public record Read(FineTuneInputs inputs, List<Source> sources) {
    }

    /**
     * The records of the training files named by id, as typed on the command line; reads the files to find them.
     *
     * @param recordIds         ids of the records to train on; empty: every record
     * @param featureType       a feature type to train on, or null for whole records
     * @param validationIds     ids of records to hold out for validation; empty: split by the fraction and seed
     * @throws IllegalArgumentException naming the id when a record is missing or in two files
     */
    public static Read byIds(List<Path> train, List<String> recordIds, String featureType, List<String> validationIds,
                             ReadProgress progress) throws IOException, SequenceFormatException {
        FineTuneInputs files = files(train, List.of());
        List<Source> sources = files.readSources(progress);
        Map<String, List<RecordRef>> byId = new LinkedHashMap<>();
        sources.forEach(s -> byId.computeIfAbsent(s.record().id(), k -> new ArrayList<>()).add(s.ref()));
        List<RecordRef> chosen = recordIds.isEmpty() ? sources.stream().map(Source::ref).toList()
                : find(recordIds, byId, files.train());
        List<RecordRef> held = validationIds.isEmpty() ? null : find(validationIds, byId, files.train());
        return new Read(records(chosen, featureType, held), sources);
    }

    private static List<RecordRef> find(List<String> ids, Map<String, List<RecordRef>> byId, List<Path> files) {
        List<RecordRef> out = new ArrayList<>();
        for (String id : ids) {
            List<RecordRef> refs = byId.getOrDefault(id, List.of());
            if (refs.isEmpty()) {
                throw new IllegalArgumentException("no record '" + id + "' in " + files.stream()
                        .map(p -> p.getFileName().toString()).toList());
            }
            if (refs.size() > 1) {
                throw new IllegalArgumentException("record '" + id + "' is in more than one file ("
                        + refs.stream().map(r -> r.file().getFileName().toString()).toList() + "): keep one");
            }
            out.add(refs.get(0));
        }
        return out;
    }

    /** True when the run trains on every record of its files, whole (windows are cut while the files stream). */
    public boolean wholeFiles() {
        return records == null && featureType == null && validationRecords == null;
    }

    /** The records chosen, as the data builder takes them ({@link #wholeFiles()} must be false). */
    public RecordSelection selection() {
        List<RecordRef> chosen = records;
        if (chosen == null) {
            throw new IllegalStateException("every record of the files is used; the records must be read first");
        }
        return RecordSelection.of(chosen, featureType, validationRecords);
    }

    /** The same inputs with the files' current checksums (reads every training file). */
    public FineTuneInputs withChecksums() throws IOException {
        Map<Path, String> sums = new LinkedHashMap<>();
        for (Path p : train) {
            sums.put(p, Sha256.of(p));
        }
        return new FineTuneInputs(train, validation, records, featureType, validationRecords, sums);
    }

    // ---- the data -------------------------------------------------------------------------------------------

    /**
     * Cuts the run's windows with the settings: whole files stream through the dataset builder; chosen records are
     * taken from {@code open} when every one of them is open there, else read again from their files (refusing a
     * file whose content changed since the run started).
     *
     * @param open records open in the workbench (may be empty)
     * @throws IllegalArgumentException naming the record or file when the inputs leave nothing to train on
     */
    public TrainingData build(FineTuneSettings settings, List<Source> open, ReadProgress progress)
            throws IOException, SequenceFormatException {
        if (wholeFiles()) {
            return TrainingData.build(train, validation, settings, progress);
        }
        List<Source> given = open.stream().map(o -> new Source(o.file().toAbsolutePath().normalize(), o.record()))
                .toList();
        if (records == null) {
            List<Source> sources = readSources(progress);
            List<RecordRef> all = sources.stream().map(Source::ref).toList();
            return RecordSelection.of(all, featureType, validationRecords).build(sources, settings);
        }
        List<Source> sources = covers(given) ? given : readSources(progress);
        return selection().build(sources, settings);
    }

    private boolean covers(List<Source> open) {
        Set<RecordRef> refs = new HashSet<>();
        open.forEach(o -> refs.add(o.ref()));
        return refs.containsAll(records) && (validationRecords == null || refs.containsAll(validationRecords));
    }

    /** Reads the training files again, checking each against its recorded checksum. */
    public List<Source> readSources(ReadProgress progress) throws IOException, SequenceFormatException {
        List<Source> out = new ArrayList<>();
        for (Path p : train) {
            if (!Files.exists(p)) {
                throw new IOException("data file " + p + " of this run is missing");
            }
            String was = sha256.get(p);
            if (was != null) {
                String now = Sha256.of(p);
                if (!now.equalsIgnoreCase(was)) {
                    throw new IOException("data file " + p + " has changed since the run started (SHA-256 was " + was
                            + ", is " + now + ")");
                }
            }
            for (SequenceRecord r : SequenceFiles.read(p, progress)) {
                out.add(new Source(p, r));
            }
        }
        return out;
    }

    // ---- the run folder -------------------------------------------------------------------------------------

    /** Writes {@value #FILE} into the run folder (write to a temporary name, then rename). */
    public void write(Path runFolder) throws IOException {
        JsonObject o = new JsonObject();
        o.add("train", paths(train));
        o.add("validation", paths(validation));
        JsonObject sums = new JsonObject();
        for (Path p : train) {
            if (sha256.containsKey(p)) {
                sums.addProperty(p.toString(), sha256.get(p));
            }
        }
        o.add("sha256", sums);
        o.add("records", records == null ? null : refs(records));
        o.addProperty("feature-type", featureType);
        o.add("validation-records", validationRecords == null ? null : refs(validationRecords));
        Files.createDirectories(runFolder);
        AtomicFiles.writeString(runFolder.resolve(FILE), GSON.toJson(o));
    }

    /**
     * Reads a run's inputs: {@value #FILE}, else {@code selection.json} of an earlier Fine-tune view run, else the
     * files of the data manifest in {@code run.json}. Errors name the file and the entry.
     */
    public static FineTuneInputs read(Path runFolder) throws IOException {
        Path f = runFolder.resolve(FILE);
        if (Files.exists(f)) {
            return readInputs(f);
        }
        if (RecordSelection.exists(runFolder)) {
            return fromSelection(runFolder);
        }
        RunFolder folder = new RunFolder(runFolder);
        if (!folder.hasRecord()) {
            throw new IOException(runFolder + ": no " + RunFolder.RECORD + " here, so there is no run to resume");
        }
        JsonObject data = folder.readRecord().getAsJsonObject("data");
        if (data == null) {
            throw new IOException(runFolder.resolve(RunFolder.RECORD) + ": no \"data\" object naming the files");
        }
        List<Path> files = new ArrayList<>();
        for (JsonElement e : data.getAsJsonArray("files")) {
            files.add(Path.of(e.getAsJsonObject().get("path").getAsString()));
        }
        return files(files, List.of());
    }

    private static FineTuneInputs readInputs(Path f) throws IOException {
        JsonObject o;
        try {
            o = JsonParser.parseString(Files.readString(f)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IOException(f + ": not valid JSON: " + e.getMessage(), e);
        }
        try {
            List<Path> train = readPaths(o, "train", f);
            List<Path> validation = readPaths(o, "validation", f);
            Map<Path, String> sums = new LinkedHashMap<>();
            JsonObject s = o.getAsJsonObject("sha256");
            if (s != null) {
                s.entrySet().forEach(e -> sums.put(Path.of(e.getKey()), e.getValue().getAsString()));
            }
            JsonElement type = o.get("feature-type");
            return new FineTuneInputs(train, validation, readRefs(o.get("records"), train, f),
                    type == null || type.isJsonNull() ? null : type.getAsString(),
                    readRefs(o.get("validation-records"), train, f), sums);
        } catch (IllegalStateException | NullPointerException | UnsupportedOperationException
                 | IllegalArgumentException e) {
            throw new IOException(f + ": missing or malformed entry (" + e.getMessage() + ")", e);
        }
    }

    private static FineTuneInputs fromSelection(Path runFolder) throws IOException {
        RecordSelection s = RecordSelection.read(runFolder);
        Path file = runFolder.resolve(RecordSelection.FILE);
        Map<Path, String> sums = new LinkedHashMap<>();
        JsonObject o = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        for (JsonElement e : o.getAsJsonArray("files")) {
            JsonObject x = e.getAsJsonObject();
            sums.put(Path.of(x.get("path").getAsString()), x.get("sha256").getAsString());
        }
        return new FineTuneInputs(s.files(), List.of(), s.records(), s.featureType(), s.validationRecords(), sums);
    }

    private static JsonArray paths(List<Path> paths) {
        JsonArray a = new JsonArray();
        paths.forEach(p -> a.add(p.toString()));
        return a;
    }

    private JsonArray refs(List<RecordRef> list) {
        JsonArray a = new JsonArray();
        for (RecordRef r : list) {
            JsonObject e = new JsonObject();
            e.addProperty("file", train.indexOf(r.file()));
            e.addProperty("id", r.id());
            a.add(e);
        }
        return a;
    }

    private static List<Path> readPaths(JsonObject o, String key, Path file) throws IOException {
        JsonArray a = o.getAsJsonArray(key);
        if (a == null) {
            throw new IOException(file + ": no \"" + key + "\" list");
        }
        List<Path> out = new ArrayList<>();
        a.forEach(e -> out.add(Path.of(e.getAsString())));
        return out;
    }

    private static List<RecordRef> readRefs(JsonElement e, List<Path> files, Path where) throws IOException {
        if (e == null || e.isJsonNull()) {
            return null;
        }
        List<RecordRef> out = new ArrayList<>();
        for (JsonElement x : e.getAsJsonArray()) {
            int f = x.getAsJsonObject().get("file").getAsInt();
            String id = x.getAsJsonObject().get("id").getAsString();
            if (f < 0 || f >= files.size()) {
                throw new IOException(where + ": record '" + id + "' names file " + f + " of " + files.size());
            }
            out.add(new RecordRef(files.get(f), id));
        }
        return out;
    }

    private static List<Path> absolute(List<Path> paths) {
        Set<Path> out = new LinkedHashSet<>();
        paths.forEach(p -> out.add(p.toAbsolutePath().normalize()));
        return List.copyOf(out);
    }

    private static RecordRef absolute(RecordRef r) {
        return new RecordRef(r.file().toAbsolutePath().normalize(), r.id());
    }
}
