package org.evo2wb.app;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the sequence files under {@code src/test/resources/data}. */
public final class TestData {

    private TestData() {}

    public static Path file(String name) {
        try {
            var url = TestData.class.getResource("/data/" + name);
            if (url == null) {
                throw new IllegalArgumentException("no test file " + name);
            }
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Yersinia pestis plasmid pPCP1: 1 circular record, 9,609 bp, 41 features (MANIFEST). */
    public static Path pPCP1() {
        return file("biopython_NC_005816.gb.gz");
    }

    /** Cloning vector pBAD30: 1 circular record, 4,923 bp, 13 features (araC and bla CDSs) (MANIFEST). */
    public static Path pBAD30() {
        return file("biopython_pBAD30.gb.gz");
    }

    /** The tiny golden Evo 2 checkpoint (engine golden tiny.pt), with tiny.yml and selftest.tsv beside it. */
    public static Path tinyCheckpoint() {
        return resource("/models/tiny/tiny.pt");
    }

    public static Path resource(String name) {
        try {
            var url = TestData.class.getResource(name);
            if (url == null) {
                throw new IllegalArgumentException("no test resource " + name);
            }
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Six cor6.6 records, 2,819 bp, 38 features (MANIFEST). */
    public static Path cor66() {
        return file("biopython_cor6_6.gb.gz");
    }

    /** The BioNeMo checkpoints of the tiny model, kept with the engine's tests (make_fixtures.py). */
    public static Path bioNeMoFixtures() {
        return Path.of("..", "engine", "src", "test", "resources", "bionemo-fixtures", "generated").toAbsolutePath()
                .normalize();
    }

    /**
     * A copy of the tiny model's BioNeMo LoRA checkpoint (adapters only) as {@code dir/lora}, its run config recording
     * {@code base} as the model it was fine-tuned from.
     */
    public static Path bioNeMoLora(Path dir, String base) throws IOException {
        Path from = bioNeMoFixtures().resolve("mbridge_lora");
        Path lora = dir.resolve("lora");
        try (var files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path to = lora.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        recordBase(lora, base);
        return lora;
    }

    /** Writes {@code base} into the run config of the LoRA copy {@code lora} as the model it was fine-tuned from. */
    public static void recordBase(Path lora, String base) throws IOException {
        Path rc = lora.resolve("iter_0000020/run_config.yaml");
        Files.writeString(rc, Files.readString(rc).replaceFirst("(?m)^  pretrained_checkpoint: .*$",
                "  pretrained_checkpoint: " + base));
    }
}
