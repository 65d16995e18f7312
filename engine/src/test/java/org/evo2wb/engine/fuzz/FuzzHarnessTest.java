package org.evo2wb.engine.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.Safetensors;
import org.evo2wb.engine.checkpoint.TorchCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short seeded fuzzing run over every reader (the long one is {@code evo2wb fuzz}), and the harness's own judging
 * of each kind of finding.
 */
class FuzzHarnessTest {

    @TempDir
    Path tmp;

    static Path resource(String name) {
        try {
            return Path.of(FuzzHarnessTest.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Real files of every format: sequence fixtures (plain and gzip), the golden tiny .pt and a safetensors. */
    private List<Path> seeds() throws IOException {
        Map<String, HostTensor> some = new LinkedHashMap<>();
        TorchCheckpoint.readTensors(resource("golden/tiny.pt")).entrySet().stream().limit(6)
                .forEach(e -> some.put(e.getKey(), e.getValue()));
        Path st = tmp.resolve("tiny6.safetensors");
        Safetensors.write(st, some, Map.of("format", "pt"));
        return List.of(resource("fuzz/humanMito_head.fasta"), resource("fuzz/biopython_origin_line.gb"),
                resource("fuzz/any2fasta_test.embl"), resource("data/biopython_NC_005816.ffn.gz"),
                resource("data/biopython_NC_005816.gb.gz"), resource("golden/tiny.pt"), resource("golden/tiny_ids.pt"),
                st);
    }

    @Test
    void aShortSeededRunOverEveryReaderFindsNothing() throws IOException {
        Fuzzer.Settings s = new Fuzzer.Settings(20261207L, 500, null, Duration.ofSeconds(30), tmp.resolve("work"),
                tmp.resolve("kept"));
        Fuzzer.Report r = new Fuzzer(FuzzTargets.standard(), s).run(seeds());
        System.out.print(r.format());
        assertEquals(List.of("fasta", "genbank", "embl", "pt", "safetensors"),
                r.targets().stream().map(Fuzzer.TargetCounts::target).toList());
        for (Fuzzer.TargetCounts t : r.targets()) {
            assertEquals(100, t.executions(), t.target());
            assertTrue(t.read() > 0 && t.refused() > 0, "both outcomes reached for " + t);
            assertEquals(t.executions(), t.read() + t.refused(), t.target());
        }
        assertTrue(r.findings().isEmpty(), r.format());
    }

    @Test
    void theSameSeedGivesTheSameInputs() {
        FuzzTarget genbank = FuzzTargets.standard().get(1);
        byte[] seed = "LOCUS       X 4 bp DNA linear\nORIGIN\n        1 acgt\n//\n".getBytes();
        for (long s = 0; s < 20; s++) {
            assertEquals(new String(genbank.mutate(seed, new SplittableRandom(s))),
                    new String(genbank.mutate(seed, new SplittableRandom(s))));
        }
    }

    /** Readers that misbehave on purpose, one way each: every way is reported, with its kind. */
    @Test
    void eachKindOfMisbehaviourIsAFinding() throws IOException {
        Path seed = Files.writeString(tmp.resolve("seed.txt"), "hello\n");
        List<FuzzTarget> bad = new ArrayList<>();
        bad.add(fake("throws", p -> {
            throw new IllegalStateException("index out of range");
        }));
        bad.add(fake("nameless", p -> {
            throw new IOException("bad input");
        }));
        bad.add(fake("hangs", p -> Thread.sleep(60_000)));
        bad.add(fake("allocates", p -> {
            long sum = 0;
            for (int i = 0; i < 6; i++) {
                sum += new byte[16 << 20].length; // 96 MiB in all, none of it kept
            }
            if (sum < 0) {
                throw new IllegalStateException();
            }
        }));
        bad.add(fake("fine", p -> {
            if (Files.size(p) % 2 == 0) {
                throw new IOException(p.getFileName() + ": refused");
            }
        }));
        Fuzzer.Settings s = new Fuzzer.Settings(1, 10, null, Duration.ofSeconds(5), tmp.resolve("work"), null);
        Fuzzer.Report r = new Fuzzer(bad, s).run(List.of(seed));
        Map<String, Finding.Kind> kinds = new LinkedHashMap<>();
        r.findings().keySet().forEach(f -> kinds.put(f.target(), f.kind()));
        assertEquals(Map.of("throws", Finding.Kind.UNEXPECTED_EXCEPTION, "nameless", Finding.Kind.MESSAGE_WITHOUT_FILE,
                "hangs", Finding.Kind.HANG, "allocates", Finding.Kind.LARGE_ALLOCATION), kinds, r.format());
        Set<Finding.Kind> all = EnumSet.noneOf(Finding.Kind.class);
        all.addAll(kinds.values());
        assertEquals(EnumSet.allOf(Finding.Kind.class), all);
        Fuzzer.TargetCounts fine = r.targets().get(4);
        assertEquals(2, fine.executions());
        assertEquals(2, fine.read() + fine.refused());
    }

    interface Read {
        void read(Path p) throws Exception;
    }

    private static FuzzTarget fake(String name, Read read) {
        return new TextTarget(name, List.of("x")) {
            @Override
            public boolean accepts(Path seed) {
                return true;
            }

            @Override
            public Class<? extends Exception> refusal() {
                return IOException.class;
            }

            @Override
            public void read(Path input) throws Exception {
                read.read(input);
            }
        };
    }
}
