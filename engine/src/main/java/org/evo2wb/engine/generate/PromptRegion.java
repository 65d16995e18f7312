package org.evo2wb.engine.generate;

import java.util.List;
import org.evo2wb.bio.SequenceRecord;

/**
 * A stretch of a prompt record, 1-based with both ends included (as a genome browser shows positions).
 *
 * @param start first base
 * @param end last base
 */
public record PromptRegion(int start, int end) {

    /**
     * Reads {@code START-END} (or {@code START..END}) within a sequence of {@code length} bases.
     *
     * @param what the record's name, for messages
     */
    public static PromptRegion parse(String text, int length, String what) {
        String[] parts = text.strip().split("\\.\\.|-", -1);
        int start;
        int end;
        try {
            if (parts.length != 2) {
                throw new NumberFormatException();
            }
            start = Integer.parseInt(parts[0].strip());
            end = Integer.parseInt(parts[1].strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("region '" + text + "': write it as START-END, 1-based, e.g. 1-2000");
        }
        if (start < 1 || end < start || end > length) {
            throw new IllegalArgumentException("region " + start + "-" + end + " does not lie within " + what + " (1-"
                    + length + ")");
        }
        return new PromptRegion(start, end);
    }

    /** The region's bases of s. */
    public String of(String s) {
        return s.substring(start - 1, end);
    }

    /**
     * The record named {@code id}, or the first when {@code id} is null.
     *
     * @param file the file's name, for messages
     */
    public static SequenceRecord pick(List<SequenceRecord> records, String id, String file) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no sequence record");
        }
        if (id == null) {
            return records.get(0);
        }
        return records.stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow(() ->
                new IllegalArgumentException(file + " has no record '" + id + "' (it holds " + records.size()
                        + " records, the first '" + records.get(0).id() + "')"));
    }
}
