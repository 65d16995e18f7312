package org.evo2wb.engine.train.run;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What data a run trained on, as the run record lists it: the input files with their SHA-256 and counts, and how
 * they were cut and split.
 *
 * @param files             input files
 * @param splitSeed         seed of the split by record
 * @param trainRecords      records in the training split
 * @param validationRecords records in the validation split
 * @param trainBases        bases in the training split
 * @param validationBases   bases in the validation split
 * @param trainWindows      training windows (after reverse-complement augmentation)
 * @param validationWindows validation windows
 */
public record DataManifest(List<DataFile> files, long splitSeed, long trainRecords, long validationRecords,
                           long trainBases, long validationBases, long trainWindows, long validationWindows) {

    /**
     * One input file.
     *
     * @param path    absolute path as given
     * @param sha256  SHA-256 of its bytes (hex)
     * @param records records read from it
     * @param bases   bases in those records
     */
    public record DataFile(String path, String sha256, long records, long bases) {
    }

    public DataManifest {
        files = List.copyOf(files);
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        JsonArray fs = new JsonArray();
        for (DataFile f : files) {
            JsonObject j = new JsonObject();
            j.addProperty("path", f.path());
            j.addProperty("sha256", f.sha256());
            j.addProperty("records", f.records());
            j.addProperty("bases", f.bases());
            fs.add(j);
        }
        o.add("files", fs);
        o.addProperty("split-seed", splitSeed);
        o.addProperty("train-records", trainRecords);
        o.addProperty("validation-records", validationRecords);
        o.addProperty("train-bases", trainBases);
        o.addProperty("validation-bases", validationBases);
        o.addProperty("train-windows", trainWindows);
        o.addProperty("validation-windows", validationWindows);
        return o;
    }

    public static DataManifest fromJson(JsonObject o) {
        List<DataFile> files = new java.util.ArrayList<>();
        for (var e : o.getAsJsonArray("files")) {
            JsonObject j = e.getAsJsonObject();
            files.add(new DataFile(j.get("path").getAsString(), j.get("sha256").getAsString(),
                    j.get("records").getAsLong(), j.get("bases").getAsLong()));
        }
        return new DataManifest(files, o.get("split-seed").getAsLong(), o.get("train-records").getAsLong(),
                o.get("validation-records").getAsLong(), o.get("train-bases").getAsLong(),
                o.get("validation-bases").getAsLong(), o.get("train-windows").getAsLong(),
                o.get("validation-windows").getAsLong());
    }

    /** SHA-256 of a file's bytes, hex. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
