package org.evo2wb.app.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.evo2wb.bio.SequenceFiles;
import org.evo2wb.bio.SequenceRecord;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.model.GradMode;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.StripedHyena;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Runs {@code evo2wb} in-process with captured output, and the fixtures the command tests share. */
final class Cli {

    /** Exit code, stdout and stderr of one run. */
    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    private Cli() {
    }

    static Run run(Object... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Evo2wbCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] text = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            text[i] = String.valueOf(args[i]);
        }
        int exit = cl.execute(text);
        return new Run(exit, out.toString(), err.toString());
    }

    /** Every command and subcommand of {@code evo2wb} by its qualified name ("eval markov"), in name order. */
    static Map<String, CommandSpec> commands() {
        Map<String, CommandSpec> out = new TreeMap<>();
        List<CommandLine> todo = new ArrayList<>(List.of(Evo2wbCli.commandLine()));
        while (!todo.isEmpty()) {
            CommandLine c = todo.remove(0);
            out.put(c.getCommandSpec().qualifiedName(" ").replaceFirst("^evo2wb ?", ""), c.getCommandSpec());
            todo.addAll(c.getSubcommands().values());
        }
        return out;
    }

    static Path resource(String name) {
        try {
            var url = Cli.class.getResource("/" + name);
            if (url == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The tiny golden Evo 2 model (5 blocks hcs, hcm, hcl, attention, hcs; D 64). */
    static Path tinyModel() {
        return resource("golden/tiny.pt");
    }

    static Path tinyConfig() {
        return resource("golden/tiny.yml");
    }

    static StripedHyena loadTiny() throws IOException {
        return StripedHyena.load(tinyModel(), Evo2Config.load(tinyConfig()), Device.cpu(), Precision.FP32);
    }

    /** The ten Yersinia pestis pPCP1 CDS records of biopython_NC_005816.ffn.gz (5,814 bp, Debian biopython doc). */
    static List<SequenceRecord> cds() throws Exception {
        return SequenceFiles.read(resource("data/biopython_NC_005816.ffn.gz"));
    }

    /** Writes records as FASTA, each cut to at most {@code maxBases} bases. */
    static Path fasta(Path file, List<SequenceRecord> records, int maxBases) throws IOException {
        StringBuilder b = new StringBuilder();
        for (SequenceRecord r : records) {
            b.append('>').append(r.id()).append('\n')
                    .append(r.sequence(), 0, Math.min(maxBases, r.length())).append('\n');
        }
        return Files.writeString(file, b.toString());
    }

    /** Logits of a fixed 60-base sequence. */
    static float[] logits(StripedHyena model) {
        try (NDManager m = NDManager.newBaseManager(); GradMode off = GradMode.disabled()) {
            byte[] s = "ATGAAACGCATTAGCACCACCATTACCACCACCATCACCATTACCACAGGTAACGGTGCG".getBytes();
            long[] ids = new long[s.length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = s[i];
            }
            return model.forward(m.create(ids, new Shape(1, ids.length))).toFloatArray();
        }
    }
}
