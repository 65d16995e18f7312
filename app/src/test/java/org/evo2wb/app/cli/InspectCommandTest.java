package org.evo2wb.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.evo2wb.app.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code evo2wb inspect} through picocli, with stdout and stderr captured. Reference figures come from MANIFEST.md
 * and from an independent count over the files' ORIGIN sections (GC of NC_005816: 45.2597 %).
 */
class InspectCommandTest {

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Evo2wbCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void textShowsEachRecordsFigures() {
        Run r = run("inspect", TestData.pPCP1().toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("biopython_NC_005816.gb.gz: 1 record, 9,609 bp, 41 features", lines.get(0));
        assertEquals("  NC_005816.1  circular  9,609 bp  GC 45.3%  N 0.00%  lowercase 100.0%  IUPAC 0  features 41 "
                + "(CDS 10, gene 10, misc_feature 13, repeat_region 1, source 1, variation 6)", lines.get(1));
        assertTrue(lines.get(2).startsWith("    Yersinia pestis biovar Microtus str. 91001 plasmid pPCP1"), lines.get(2));
    }

    @Test
    void jsonGivesMachineReadableFigures() {
        Run r = run("inspect", "--json", TestData.cor66().toString(), TestData.pPCP1().toString());
        assertEquals(0, r.exit(), r.err());
        JsonObject root = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(0, root.getAsJsonArray("errors").size());
        JsonArray files = root.getAsJsonArray("files");
        assertEquals(2, files.size());

        JsonArray cor = files.get(0).getAsJsonObject().getAsJsonArray("records");
        assertEquals(6, cor.size());
        int[] lengths = {513, 880, 441, 206, 282, 497};
        int[] features = {3, 15, 6, 7, 3, 4};
        for (int i = 0; i < 6; i++) {
            JsonObject rec = cor.get(i).getAsJsonObject();
            assertEquals(lengths[i], rec.get("length").getAsInt());
            assertEquals(features[i], rec.get("featureCount").getAsInt());
        }
        JsonObject aru = cor.get(3).getAsJsonObject();
        assertEquals("AJ237582.1", aru.get("id").getAsString());
        assertEquals(2.0 / 206, aru.get("nFraction").getAsDouble(), 1e-12);
        assertEquals(Map.of("CDS", 1, "exon", 2, "gene", 1, "intron", 1, "mRNA", 1, "source", 1),
                aru.getAsJsonObject("featureCounts").entrySet().stream()
                        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().getAsInt())));

        JsonObject plasmid = files.get(1).getAsJsonObject().getAsJsonArray("records").get(0).getAsJsonObject();
        assertEquals("NC_005816.1", plasmid.get("id").getAsString());
        assertEquals("circular", plasmid.get("topology").getAsString());
        assertEquals(0.452597, plasmid.get("gcFraction").getAsDouble(), 1e-6);
        // GenBank writes every base in lowercase; the reader keeps the case as written.
        assertEquals(1.0, plasmid.get("lowercaseFraction").getAsDouble());
    }

    @Test
    void badInputGivesOneLineAndExitOne(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("cut.gb"), """
                LOCUS       ATCOR66M      513 bp    mRNA            PLN       02-MAR-1992
                ACCESSION   X55053
                VERSION     X55053.1  GI:16229
                ORIGIN
                        1 aacaaaacac acatcaaaaa caaacacaaa
                """);
        Run r = run("inspect", TestData.pPCP1().toString(), bad.toString());
        assertEquals(Evo2wbCli.EXIT_FAILED, r.exit());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("evo2wb inspect: cut.gb"), r.err());
        assertTrue(r.err().contains("X55053"), r.err());
        assertTrue(r.out().startsWith("biopython_NC_005816.gb.gz: 1 record"), "good files are still reported");
    }

    @Test
    void badInputInJsonIsListedUnderErrors(@TempDir Path dir) {
        Path missing = dir.resolve("absent.fa");
        Run r = run("inspect", "--json", missing.toString());
        assertEquals(Evo2wbCli.EXIT_FAILED, r.exit());
        JsonObject error = JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonArray("errors").get(0)
                .getAsJsonObject();
        assertEquals(missing.toString(), error.get("file").getAsString());
        assertTrue(error.get("message").getAsString().startsWith("absent.fa"));
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(Evo2wbCli.EXIT_USAGE, run().exit());
        assertEquals(Evo2wbCli.EXIT_USAGE, run("inspect").exit());
        assertEquals(Evo2wbCli.EXIT_USAGE, run("no-such-command").exit());
    }

    @Test
    void everyCommandHasHelp() {
        CommandLine cl = Evo2wbCli.commandLine();
        for (String name : cl.getSubcommands().keySet()) {
            if (name.equals("help")) {
                continue;
            }
            Run r = run(name, "--help");
            assertEquals(0, r.exit(), name);
            assertTrue(r.out().startsWith("Usage: evo2wb " + name), name + ": " + r.out());
        }
    }
}
