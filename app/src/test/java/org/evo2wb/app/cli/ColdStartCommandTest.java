package org.evo2wb.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code evo2wb bench cold-start}, with the started workbench drawing on a headless screen. */
class ColdStartCommandTest {

    @Test
    void aColdStartReportsTheWindowTheFirstEventAndTheDefaultModelInOrder() {
        Cli.Run r = Cli.run("bench", "cold-start", "--runs", "1", "--timeout", "120",
                "--jvm-option=-Dglass.platform=Monocle", "--jvm-option=-Dmonocle.platform=Headless",
                "--jvm-option=-Dprism.order=sw", "--jvm-option=-Dheadless.geometry=1920x1200-32");
        assertEquals(0, r.exit(), r.toString());
        Matcher m = Pattern.compile("(?m)^\\s+1\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)$").matcher(r.out());
        assertTrue(m.find(), r.out());
        long frame = Long.parseLong(m.group(1));
        long interactive = Long.parseLong(m.group(2));
        long model = Long.parseLong(m.group(3));
        assertTrue(frame > 0 && frame <= interactive && interactive <= model, r.out());
        assertTrue(r.out().contains("cold start to an interactive window: "), r.out());

        // the window is built, shown and drawn before the engine starts: PyTorch and the default model load after it
        long main = step(r.out(), "main() entered");
        long fx = step(r.out(), "JavaFX started the application");
        long shown = step(r.out(), "window built and shown");
        long pytorch = step(r.out(), "PyTorch library loaded");
        long modelStart = step(r.out(), "default model load started");
        assertTrue(main <= fx && fx <= shown && shown <= frame, r.out());
        assertTrue(interactive <= pytorch && interactive <= modelStart && modelStart <= model, r.out());

        r = Cli.run("bench", "cold-start", "--runs", "0");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("--runs must be at least 1"), r.err());

        r = Cli.run("bench", "cold-start", "--launcher", "no-such-launcher");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("--launcher no-such-launcher: not an executable file"), r.err());
    }

    /** Milliseconds of one step in the "where the time goes" lines. */
    private static long step(String out, String name) {
        Matcher m = Pattern.compile("(?m)^  " + Pattern.quote(name) + "\\s+(\\d+)$").matcher(out);
        assertTrue(m.find(), name + " missing in:\n" + out);
        return Long.parseLong(m.group(1));
    }
}
