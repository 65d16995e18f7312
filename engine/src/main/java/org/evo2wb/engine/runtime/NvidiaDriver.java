package org.evo2wb.engine.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The NVIDIA driver of this computer and the highest CUDA version it supports, found without PyTorch: the CUDA
 * version from {@code nvidia-smi}'s header ("CUDA Version: 12.8"), else the driver version from
 * {@code /proc/driver/nvidia/version} or from the file name of {@code libcuda.so.<version>}, mapped to CUDA through
 * the minimum driver versions of NVIDIA's CUDA release notes; and the GPUs {@code nvidia-smi} lists.
 *
 * @param driverVersion e.g. {@code 570.86.15}; empty when no driver was found
 * @param cudaVersion the highest CUDA version the driver supports, e.g. {@code 12.8}; empty when unknown
 * @param gpus the GPUs {@code nvidia-smi} names ({@code NVIDIA H100 80GB HBM3, 81559 MiB}), empty without it
 * @param source where the figures come from, for the user
 */
public record NvidiaDriver(String driverVersion, String cudaVersion, List<String> gpus, String source) {

    /** Minimum Linux driver per CUDA version (CUDA Toolkit release notes, table of driver versions). */
    private static final String[][] MIN_DRIVER = {
        {"13.0", "580.65.06"}, {"12.9", "575.51.03"}, {"12.8", "570.26"}, {"12.6", "560.28.03"},
        {"12.5", "555.42.02"}, {"12.4", "550.54.14"}, {"12.3", "545.23.06"}, {"12.2", "535.54.03"},
        {"12.1", "530.30.02"}, {"12.0", "525.60.13"}, {"11.8", "520.61.05"},
    };

    public boolean found() {
        return !driverVersion.isEmpty() || !cudaVersion.isEmpty();
    }

    /** Whether the driver runs CUDA {@code major.minor} (e.g. 12.8) code. */
    public boolean supports(String cuda) {
        return !cudaVersion.isEmpty() && compare(cudaVersion, cuda) >= 0;
    }

    /** A sentence for the user: what was found, and whether libtorch for CUDA {@code cuda} fits. */
    public String describe(String cuda) {
        if (!found()) {
            return "No NVIDIA driver was found (no nvidia-smi, no /proc/driver/nvidia/version, no libcuda): the "
                    + "workbench runs on the CPU. Install the NVIDIA driver (570 or newer for CUDA " + cuda
                    + ") to use an NVIDIA GPU.";
        }
        String d = (driverVersion.isEmpty() ? "An NVIDIA driver" : "NVIDIA driver " + driverVersion)
                + (cudaVersion.isEmpty() ? "" : " (supports CUDA up to " + cudaVersion + ")") + " found through "
                + source + (gpus.isEmpty() ? "" : "; GPUs: " + String.join("; ", gpus)) + ".";
        if (cudaVersion.isEmpty()) {
            return d + " Its CUDA version is unknown; libtorch for CUDA " + cuda + " needs driver 570 or newer.";
        }
        if (supports(cuda)) {
            return d + " It runs libtorch for CUDA " + cuda + ".";
        }
        if (cudaVersion.startsWith(cuda.substring(0, cuda.indexOf('.') + 1))) {
            return d + " libtorch for CUDA " + cuda + " may run on it through CUDA's minor-version compatibility, "
                    + "but some operations can fail; update the driver to 570 or newer.";
        }
        return d + " It is too old for libtorch for CUDA " + cuda + ": update the NVIDIA driver to 570 or newer.";
    }

    /** Looks at this computer (runs {@code nvidia-smi} when it is on the PATH, for at most 10 s). */
    public static NvidiaDriver detect() {
        Optional<String> smi = run("nvidia-smi");
        if (smi.isPresent()) {
            String cuda = smiCuda(smi.get()).orElse("");
            String driver = smiDriver(smi.get()).orElse("");
            List<String> gpus = run("nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader")
                    .map(s -> s.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList())
                    .orElse(List.of());
            if (!cuda.isEmpty() || !driver.isEmpty()) {
                return new NvidiaDriver(driver, cuda.isEmpty() ? cudaFor(driver).orElse("") : cuda, gpus,
                        "nvidia-smi");
            }
        }
        try {
            Path proc = Path.of("/proc/driver/nvidia/version");
            if (Files.isReadable(proc)) {
                Optional<String> v = procDriver(Files.readString(proc));
                if (v.isPresent()) {
                    return new NvidiaDriver(v.get(), cudaFor(v.get()).orElse(""), List.of(),
                            "/proc/driver/nvidia/version");
                }
            }
        } catch (IOException e) {
            // fall through to libcuda
        }
        for (String dir : List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/nvidia/lib64",
                "/usr/lib/wsl/lib")) {
            Optional<String> v = libcudaVersion(Path.of(dir));
            if (v.isPresent()) {
                return new NvidiaDriver(v.get(), cudaFor(v.get()).orElse(""), List.of(),
                        "the file name of " + dir + "/libcuda.so." + v.get());
            }
        }
        return new NvidiaDriver("", "", List.of(), "");
    }

    /** "CUDA Version: 12.8" of nvidia-smi's header. */
    static Optional<String> smiCuda(String text) {
        return group(Pattern.compile("CUDA Version\\s*:\\s*(\\d+\\.\\d+)"), text);
    }

    /** "Driver Version: 570.86.15" of nvidia-smi's header. */
    static Optional<String> smiDriver(String text) {
        return group(Pattern.compile("Driver Version\\s*:\\s*(\\d+(?:\\.\\d+)+)"), text);
    }

    /** "NVRM version: NVIDIA UNIX x86_64 Kernel Module  570.86.15  …" → 570.86.15. */
    static Optional<String> procDriver(String text) {
        return group(Pattern.compile("Kernel Module(?: for [^ ]+)?\\s+(\\d+(?:\\.\\d+)+)"), text);
    }

    /** The version in a {@code libcuda.so.<version>} file name in {@code dir}, the highest if several. */
    static Optional<String> libcudaVersion(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        List<String> found = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "libcuda.so.*")) {
            for (Path p : s) {
                String v = p.getFileName().toString().substring("libcuda.so.".length());
                if (v.matches("\\d+\\.\\d+(\\.\\d+)?")) {
                    found.add(v);
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return found.stream().max(NvidiaDriver::compare);
    }

    /** The highest CUDA version a driver supports, from the release notes' minimum versions. */
    static Optional<String> cudaFor(String driver) {
        if (driver.isEmpty()) {
            return Optional.empty();
        }
        for (String[] row : MIN_DRIVER) {
            if (compare(driver, row[1]) >= 0) {
                return Optional.of(row[0]);
            }
        }
        return Optional.empty();
    }

    /** Compares dotted version numbers part by part. */
    static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            long p = i < x.length ? Long.parseLong(x[i]) : 0;
            long q = i < y.length ? Long.parseLong(y[i]) : 0;
            if (p != q) {
                return Long.compare(p, q);
            }
        }
        return 0;
    }

    private static Optional<String> group(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** Runs a command for at most 10 s; its standard output when it exits with 0. */
    private static Optional<String> run(String... command) {
        Path out = null;
        try {
            out = Files.createTempFile("evo2wb-nvidia-smi", ".txt");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            return p.exitValue() == 0 ? Optional.of(Files.readString(out, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temporary file left in the temp folder
                }
            }
        }
    }
}
