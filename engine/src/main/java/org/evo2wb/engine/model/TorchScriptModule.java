package org.evo2wb.engine.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A TorchScript module without parameters, written here from its source text and loaded through DJL's module
 * loader: the way to call a PyTorch operator that DJL has no Java binding for (fused attention, the fused AdamW
 * update). The archive has the layout {@code torch.jit.save} writes:
 * <pre>
 *   NAME/data.pkl            the module object: GLOBAL __torch__.NAME, built from {training: True,
 *                            _is_full_backward_hook: None} (pickle protocol 2)
 *   NAME/code/__torch__.py   the class: its attributes and methods in TorchScript's serialized syntax
 *   NAME/constants.pkl       an empty tuple
 *   NAME/version             3
 *   NAME/byteorder           little
 * </pre>
 * The graph executor's optimiser is switched off for the process when the first module loads: these modules call one
 * operator each, so there is nothing to fuse, only shapes to re-profile.
 */
public final class TorchScriptModule {

    private TorchScriptModule() {
    }

    /** A module loaded on first use, once per process (the modules hold no state, so threads share it). */
    public static final class Lazy {

        private final String name;
        private final String methods;
        private volatile PtSymbolBlock module;

        /** The module {@code __torch__.NAME} of {@code methods} (see {@link TorchScriptModule#load}). */
        public Lazy(String name, String methods) {
            this.name = name;
            this.methods = methods;
        }

        /** The loaded module. */
        public PtSymbolBlock get() {
            PtSymbolBlock m = module;
            if (m == null) {
                synchronized (this) {
                    m = module;
                    if (m == null) {
                        m = load(name, methods);
                        module = m;
                    }
                }
            }
            return m;
        }
    }

    /**
     * Loads the module {@code __torch__.NAME} whose methods are {@code methods} (TorchScript's serialized syntax,
     * indented by two spaces, {@code self: __torch__.NAME} as their first parameter).
     *
     * @throws UncheckedIOException when PyTorch refuses the archive (the message names the module)
     */
    public static PtSymbolBlock load(String name, String methods) {
        Engine.getEngine("PyTorch");
        JniUtils.setGraphExecutorOptimize(false);
        NDManager owner = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        owner.setName("torchscript-" + name);
        try {
            return JniUtils.loadModule((PtNDManager) owner, new ByteArrayInputStream(archive(name, methods)), false,
                    false);
        } catch (IOException | RuntimeException e) {
            owner.close();
            throw new UncheckedIOException(new IOException("PyTorch could not load the TorchScript module " + name
                    + ": " + e.getMessage(), e));
        }
    }

    /** The archive of the module (a zip, as {@code torch.jit.save} writes it). */
    static byte[] archive(String name, String methods) throws IOException {
        String source = "class " + name + "(Module):\n"
                + "  __parameters__ = []\n"
                + "  __buffers__ = []\n"
                + "  training : bool\n"
                + "  _is_full_backward_hook : Optional[bool]\n"
                + methods;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            put(zip, name, "data.pkl", dataPickle(name));
            put(zip, name, "code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
            put(zip, name, "constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});      // an empty tuple
            put(zip, name, "version", "3\n".getBytes(StandardCharsets.US_ASCII));
            put(zip, name, "byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        }
        return bytes.toByteArray();
    }

    /** The module object, pickled (protocol 2), with its two attributes. */
    private static byte[] dataPickle(String name) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x80);
        p.write(2);                                         // PROTO 2
        ascii(p, "c__torch__\n" + name + "\n");             // GLOBAL
        p.write(')');                                       // EMPTY_TUPLE
        p.write(0x81);                                      // NEWOBJ
        p.write('}');                                       // EMPTY_DICT
        p.write('(');                                       // MARK
        unicode(p, "training");
        p.write(0x88);                                      // NEWTRUE
        unicode(p, "_is_full_backward_hook");
        p.write('N');                                       // NONE
        p.write('u');                                       // SETITEMS
        p.write('b');                                       // BUILD
        p.write('.');                                       // STOP
        return p.toByteArray();
    }

    private static void unicode(ByteArrayOutputStream p, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        p.write('X');                                       // BINUNICODE, 4-byte little-endian length
        p.write(b.length);
        p.write(b.length >>> 8);
        p.write(b.length >>> 16);
        p.write(b.length >>> 24);
        p.write(b, 0, b.length);
    }

    private static void ascii(ByteArrayOutputStream p, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        p.write(b, 0, b.length);
    }

    private static void put(ZipOutputStream zip, String name, String entry, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name + "/" + entry));
        zip.write(data);
        zip.closeEntry();
    }
}
