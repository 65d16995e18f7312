package org.evo2wb.engine.train.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.evo2wb.bio.Feature;
import org.evo2wb.bio.Iupac;
import org.evo2wb.bio.Location;
import org.evo2wb.bio.SequenceRecord;
import org.evo2wb.bio.Strand;
import org.evo2wb.bio.dataset.Corpus;
import org.evo2wb.bio.dataset.TrainingDataset;
import org.evo2wb.engine.train.settings.FineTuneSettings;

/**
 * Which of the records open in the workbench a run trains on, and how: whole records or only the spans of one
 * feature type (e.g. every CDS, spliced parts joined, reverse-strand features reverse-complemented so that each region
 * reads 5'→3' on its own strand), and which records are held out for validation (split by the seed and the
 * validation fraction, or chosen by the user). Run folders of earlier versions of the Fine-tune view hold it as
 * {@value #FILE}; runs now record their inputs in {@code inputs.json}
 * ({@code org.evo2wb.engine.finetune.FineTuneInputs}), which reads this file where it finds no other:
 *
 * <pre>
 *   files        [{path, sha256}]          the files the records were read from
 *   records      [{file, id}]              the chosen records (file = index into files), in order
 *   feature-type "CDS" | null              null: whole records
 *   validation   [{file, id}] | null       null: split by the validation fraction and seed
 * </pre>
 *
 * @param files             the files the chosen records come from, in first-use order
 * @param records           the chosen records
 * @param featureType       train on the spans of features of this type ({@code CDS}), or null for whole records
 * @param validationRecords records held out for validation, or null to split by the settings' fraction and seed
 */
public record RecordSelection(List<Path> files, List<RecordRef> records, String featureType,
                              List<RecordRef> validationRecords) {

    public static final String FILE = "selection.json";


    /** A record by the file it was read from and its id. */
    public record RecordRef(Path file, String id) {
        public RecordRef {
            Objects.requireNonNull(file);
            Objects.requireNonNull(id);
        }

        @Override
        public String toString() {
            return id + " (" + file.getFileName() + ")";
        }
    }

    /** An open record and the file it was read from. */
    public record Source(Path file, SequenceRecord record) {
        public RecordRef ref() {
            return new RecordRef(file, record.id());
        }
    }

    public RecordSelection {
        files = List.copyOf(files);
        records = List.copyOf(records);
        validationRecords = validationRecords == null ? null : List.copyOf(validationRecords);
        if (featureType != null && featureType.isBlank()) {
            featureType = null;
        }
    }

    /** A selection of these records; the files are those of the records, in first-use order. */
    public static RecordSelection of(List<RecordRef> records, String featureType, List<RecordRef> validation) {
        Set<Path> files = new LinkedHashSet<>();
        records.forEach(r -> files.add(r.file()));
        if (validation != null) {
            validation.forEach(r -> files.add(r.file()));
        }
        return new RecordSelection(List.copyOf(files), records, featureType, validation);
    }

    /** True when the validation records are chosen by the user rather than split off by the seed. */
    public boolean validationChosen() {
        return validationRecords != null;
    }

    // ---- regions --------------------------------------------------------------------------------------------

    /**
     * The sequences of one record to train on: the record itself, or one sequence per feature of the selection's
     * type. A feature's spans are joined in biological order, each reverse-strand span reverse-complemented; a feature
     * with a part on another entry is skipped (its sequence is not in this record).
     */
    public List<SequenceRecord> regions(SequenceRecord r) {
        if (featureType == null) {
            return List.of(r);
        }
        List<SequenceRecord> out = new ArrayList<>();
        for (Feature f : r.features()) {
            if (!f.type().equalsIgnoreCase(featureType) || f.location().spans().stream().anyMatch(
                    Location.Span::isRemote)) {
                continue;
            }
            String bases = featureSequence(r.sequence(), f.location());
            if (bases.isEmpty()) {
                continue;
            }
            Location l = f.location();
            String id = r.id() + "/" + f.type() + ":" + l.min() + ".." + l.max()
                    + (l.strand() == Strand.REVERSE ? "(-)" : "(+)");
            out.add(new SequenceRecord(id, f.label(), bases, org.evo2wb.bio.Topology.LINEAR, r.molecule(), List.of(),
                    List.of(), r.source() + " " + f.type() + " " + l.text(), Map.of()));
        }
        return out;
    }

    /** The bases of a location, 5'→3' on the feature's strand. Spans past the record's end are cut at its end. */
    public static String featureSequence(String sequence, Location location) {
        StringBuilder b = new StringBuilder();
        for (Location.Span s : location.localSpans()) {
            int from = (int) Math.min(s.start() - 1, sequence.length());
            int to = (int) Math.min(s.end(), sequence.length());
            String part = sequence.substring(from, to);
            b.append(s.strand() == Strand.REVERSE ? Iupac.reverseComplement(part) : part);
        }
        return b.toString();
    }

    /** Feature types of these records with their counts, most frequent first (for a choice in a form). */
    public static Map<String, Integer> featureTypes(List<SequenceRecord> records) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (SequenceRecord r : records) {
            for (Feature f : r.features()) {
                counts.merge(f.type(), 1, Integer::sum);
            }
        }
        Map<String, Integer> sorted = new LinkedHashMap<>();
        counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).forEach(e ->
                sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    // ---- the data -------------------------------------------------------------------------------------------

    /**
     * Builds the run's windows from the open records.
     *
     * @param open every open record (the selection picks its own)
     * @throws IllegalArgumentException naming the record when a chosen record is not open, or when the selection
     *                                  leaves nothing to train on
     */
    public TrainingData build(List<Source> open, FineTuneSettings settings) {
        Map<RecordRef, SequenceRecord> byRef = new LinkedHashMap<>();
        for (Source s : open) {
            byRef.putIfAbsent(s.ref(), s.record());
        }
        List<SequenceRecord> sequences = new ArrayList<>();
        List<Boolean> held = new ArrayList<>();
        Set<RecordRef> validation = validationRecords == null ? Set.of() : new LinkedHashSet<>(validationRecords);
        List<RecordRef> all = new ArrayList<>(records);
        validation.stream().filter(v -> !records.contains(v)).forEach(all::add);
        for (RecordRef ref : all) {
            SequenceRecord r = byRef.get(ref);
            if (r == null) {
                throw new IllegalArgumentException("record '" + ref.id() + "' of " + ref.file() + " is not open");
            }
            for (SequenceRecord region : regions(r)) {
                sequences.add(region);
                held.add(validation.contains(ref));
            }
        }
        if (sequences.isEmpty()) {
            throw new IllegalArgumentException(records.isEmpty() ? "no records are chosen for training"
                    : "the chosen records have no " + featureType + " features to train on");
        }
        Corpus corpus = Corpus.of(sequences);
        if (validationRecords == null) {
            return TrainingData.of(TrainingDataset.build(corpus, TrainingData.options(settings)));
        }
        boolean[] h = new boolean[held.size()];
        for (int i = 0; i < h.length; i++) {
            h[i] = held.get(i);
        }
        if (!held.contains(false)) {
            throw new IllegalArgumentException("every chosen record is held out for validation: leave at least one "
                    + "for training");
        }
        return TrainingData.of(TrainingDataset.build(corpus, TrainingData.options(settings), h));
    }

    // ---- the run folder -------------------------------------------------------------------------------------

    /** True when the run folder holds a selection. */
    public static boolean exists(Path runFolder) {
        return Files.isRegularFile(runFolder.resolve(FILE));
    }

    /** Reads {@value #FILE}; errors name the file and the entry. */
    public static RecordSelection read(Path runFolder) throws IOException {
        Path file = runFolder.resolve(FILE);
        JsonObject o;
        try {
            o = com.google.gson.JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IOException(file + ": not valid JSON: " + e.getMessage(), e);
        }
        try {
            List<Path> files = new ArrayList<>();
            for (JsonElement e : o.getAsJsonArray("files")) {
                files.add(Path.of(e.getAsJsonObject().get("path").getAsString()));
            }
            JsonElement type = o.get("feature-type");
            JsonElement v = o.get("validation");
            return new RecordSelection(files, readRefs(o.getAsJsonArray("records"), files, file),
                    type == null || type.isJsonNull() ? null : type.getAsString(),
                    v == null || v.isJsonNull() ? null : readRefs(v.getAsJsonArray(), files, file));
        } catch (IllegalStateException | NullPointerException | UnsupportedOperationException e) {
            throw new IOException(file + ": missing or malformed entry (" + e.getMessage() + ")", e);
        }
    }

    private static List<RecordRef> readRefs(JsonArray a, List<Path> files, Path where) throws IOException {
        List<RecordRef> out = new ArrayList<>();
        for (JsonElement e : a) {
            int f = e.getAsJsonObject().get("file").getAsInt();
            String id = e.getAsJsonObject().get("id").getAsString();
            if (f < 0 || f >= files.size()) {
                throw new IOException(where + ": record '" + id + "' names file " + f + " of " + files.size());
            }
            out.add(new RecordRef(files.get(f), id));
        }
        return out;
    }
}
