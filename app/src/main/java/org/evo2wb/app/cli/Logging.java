package org.evo2wb.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the libraries' log lines go (DJL's INFO and WARN lines such as "CUDA driver version is insufficient" on a
 * computer without a GPU): by default into {@link #logFile()}, which keeps the latest command's log, so commands
 * print only their own output; with {@code --verbose} onto the terminal (stderr). Set before the first logger is
 * made, that is before the command runs; a {@code -Dorg.slf4j.simpleLogger...} given by the user wins.
 */
final class Logging {

    static final String VERBOSE = "--verbose";
    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private Logging() {
    }

    /** {@code ~/.evo2wb/logs/evo2wb.log}. */
    static Path logFile() {
        return Path.of(System.getProperty("user.home"), ".evo2wb", "logs", "evo2wb.log");
    }

    /** Sends log lines to the terminal when {@code args} hold {@code --verbose} (before any {@code --}), else to the file. */
    static void configure(String[] args) {
        boolean verbose = false;
        for (String a : args) {
            if (a.equals("--")) {
                break;
            }
            verbose |= a.equals(VERBOSE);
        }
        setIfAbsent("showDateTime", "true");
        setIfAbsent("dateTimeFormat", "yyyy-MM-dd HH:mm:ss.SSS");
        setIfAbsent("defaultLogLevel", "info");
        if (verbose) {
            setIfAbsent("logFile", "System.err");
            return;
        }
        try {
            Files.createDirectories(logFile().getParent());
            setIfAbsent("logFile", logFile().toString());
        } catch (IOException | SecurityException e) {
            setIfAbsent("logFile", "System.err");               // no place for the file: errors only, on stderr
            System.setProperty(PREFIX + "defaultLogLevel", "error");
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
