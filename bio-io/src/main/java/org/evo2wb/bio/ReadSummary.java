package org.evo2wb.bio;

import java.nio.file.Path;

/**
 * What reading one file found; returned by {@link SequenceFiles#forEach}.
 *
 * @param file the file
 * @param format detected format
 * @param compression detected compression
 * @param records records read
 * @param bases bases over all records
 * @param fileBytes size of the file on disk (compressed bytes)
 * @param sha256 SHA-256 of the file's bytes as stored on disk, lowercase hex
 * @param warnings number of record warnings raised
 */
public record ReadSummary(
        Path file,
        SequenceFormat format,
        Compression compression,
        int records,
        long bases,
        long fileBytes,
        String sha256,
        int warnings) {}
