package org.evo2wb.engine.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Properties;

/**
 * The libtorch archive the GPU set-up downloads, as recorded in the resource {@value #RESOURCE}: PyTorch's
 * published libtorch 2.7.1 for CUDA 12.8 (the PyTorch the workbench's DJL JNI was built for).
 *
 * @param version the PyTorch version ({@code 2.7.1}), DJL's {@code PYTORCH_VERSION}
 * @param flavor the build ({@code cu128}), DJL's {@code PYTORCH_FLAVOR}
 * @param cuda the CUDA version the build needs the driver to support ({@code 12.8})
 * @param url where it is published
 * @param fileName its file name
 * @param sha256 its SHA-256 (hex)
 * @param size its size in bytes, or -1 when not recorded (the server's announced size is then used)
 */
public record LibtorchArchive(String version, String flavor, String cuda, URI url, String fileName, String sha256,
                              long size) {

    public static final String RESOURCE = "/org/evo2wb/engine/runtime/libtorch-cu128.properties";

    /** The archive recorded in this build. */
    public static LibtorchArchive published() {
        Properties p = new Properties();
        try (InputStream in = LibtorchArchive.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from this build");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String size = p.getProperty("size", "").strip();
        return new LibtorchArchive(p.getProperty("version"), p.getProperty("flavor"), p.getProperty("cuda"),
                URI.create(p.getProperty("url")), p.getProperty("file"), p.getProperty("sha256"),
                size.isEmpty() ? -1 : Long.parseLong(size));
    }

    /** The folder name it is unpacked into ({@code libtorch-2.7.1-cu128}). */
    public String folderName() {
        return "libtorch-" + version + "-" + flavor;
    }
}
