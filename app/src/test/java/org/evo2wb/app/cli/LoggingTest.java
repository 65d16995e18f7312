package org.evo2wb.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoggingTest {

    private static final String FILE = "org.slf4j.simpleLogger.logFile";
    private static final String LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";
    private final Map<String, String> saved = new HashMap<>();

    @BeforeEach
    void save() {
        for (String k : new String[] {FILE, LEVEL, "org.slf4j.simpleLogger.showDateTime",
            "org.slf4j.simpleLogger.dateTimeFormat"}) {
            saved.put(k, System.getProperty(k));
            System.clearProperty(k);
        }
    }

    @AfterEach
    void restore() {
        saved.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
    }

    @Test
    void logLinesGoToTheLogFileUnlessVerboseAndTheUsersSettingWins() {
        Logging.configure(new String[] {"score", "--model", "default"});
        assertEquals(Logging.logFile().toString(), System.getProperty(FILE));
        assertEquals("info", System.getProperty(LEVEL));

        System.clearProperty(FILE);
        Logging.configure(new String[] {"score", "--verbose"});
        assertEquals("System.err", System.getProperty(FILE));

        System.clearProperty(FILE);
        Logging.configure(new String[] {"gui", "--", "--verbose"});
        assertEquals(Logging.logFile().toString(), System.getProperty(FILE), "after -- it is a file name");

        System.setProperty(FILE, "System.out");
        Logging.configure(new String[] {"score"});
        assertEquals("System.out", System.getProperty(FILE));
    }
}
