package org.evo2wb.engine.hub;

import java.util.Optional;

/**
 * One file of a Hub repository as its file list gives it.
 *
 * @param path the path inside the repository ({@code evo2_7b.pt}, {@code evo2_40b.pt.part0})
 * @param size its size in bytes
 * @param sha256 for files kept in large-file storage, their SHA-256 ({@code lfs.oid}); empty for small files
 * @param gitOid the git blob id (SHA-1 of {@code "blob <size>\0"} and the content) of small files
 */
public record HubFile(String path, long size, Optional<String> sha256, String gitOid) {

    public HubFile {
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\")
                || ("/" + path + "/").contains("/../") || ("/" + path + "/").contains("/./")) {
            throw new IllegalArgumentException("unsafe file name in the repository's file list: " + path);
        }
        if (size < 0) {
            throw new IllegalArgumentException("negative size for " + path);
        }
    }

    /** The checksum the download is verified against: the SHA-256 of large files, else the git blob id. */
    public String expectedDigest() {
        return sha256.orElse(gitOid);
    }
}
