package org.evo2wb.engine.load.bionemo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.evo2wb.engine.checkpoint.CheckpointFile;
import org.evo2wb.engine.checkpoint.CheckpointFormatException;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.Integrity;
import org.evo2wb.engine.model.Evo2Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Megatron Bridge, LoRA and Savanna checkpoints of the golden tiny model (written by PyTorch from tiny.pt, see
 * make_fixtures.py) read back as tiny.pt: every copied tensor bit-identical, the tensors the recipe computes equal to
 * what PyTorch computed, the LoRA combination equal to the merged weights.
 */
class BioNeMoCheckpointTest {

    /** Tensors the recipe computes (not copies): checked against expected.pt instead of tiny.pt. */
    private static final Set<String> COMPUTED = Set.of("blocks.1.filter.h", "blocks.2.filter.log_poles",
            "blocks.2.filter.residues", "blocks.3.inner_mha_cls.rotary_emb.inv_freq");

    /** The weights the LoRA fixture's adapters wrap, in the released names. */
    private static final java.util.regex.Pattern ADAPTED = java.util.regex.Pattern.compile(
            "blocks\\.\\d+\\.(projections|inner_mha_cls\\.Wqkv|inner_mha_cls\\.out_proj|mlp\\.l[123])\\.weight");

    @Test
    void megatronBridgeFolderHoldsTheGoldenWeights() throws IOException {
        try (CheckpointFile f = open(BioNeMoFixtures.generated("mbridge"))) {
            BioNeMoCheckpoint c = assertInstanceOf(BioNeMoCheckpoint.class, f);
            assertEquals(BioNeMoCheckpoint.Kind.MEGATRON_BRIDGE, c.kind());
            assertEquals(CheckpointFile.Format.MEGATRON_BRIDGE, c.format());
            assertTrue(c.name().endsWith("iter_0000100"), c.name());
            assertSameAsGolden(c, Map.of());
        }
    }

    @Test
    void iterationFolderOpensLikeTheTopFolder() throws IOException {
        try (CheckpointFile f = open(BioNeMoFixtures.generated("mbridge/iter_0000100"))) {
            assertSameAsGolden(f, Map.of());
        }
    }

    @Test
    void runConfigGivesTheGoldenConfig() throws IOException {
        Evo2Config want = Evo2Config.load(BioNeMoFixtures.golden("tiny.yml"));
        try (BioNeMoCheckpoint c = BioNeMoCheckpoint.open(BioNeMoFixtures.generated("mbridge"), Integrity.CHECKED,
                null, null)) {
            Evo2Config got = c.config();
            assertEquals(want.pattern(), got.pattern());
            assertEquals(want.hiddenSize(), got.hiddenSize());
            assertEquals(want.numAttentionHeads(), got.numAttentionHeads());
            assertEquals(want.mlpInnerSize(), got.mlpInnerSize());
            assertEquals(want.vocabSize(), got.vocabSize());
            assertEquals(want.hcsFilterGroups(), got.hcsFilterGroups());
            assertEquals(want.hcsFilterLength(), got.hcsFilterLength());
            assertEquals(want.hcmFilterGroups(), got.hcmFilterGroups());
            assertEquals(want.hcmFilterLength(), got.hcmFilterLength());
            assertEquals(want.hclFilterGroups(), got.hclFilterGroups());
            assertEquals(want.stateSize(), got.stateSize());
            assertEquals(want.shortFilterLength(), got.shortFilterLength());
            assertEquals(want.eps(), got.eps(), 0);
            assertEquals(want.rotaryEmbBase(), got.rotaryEmbBase(), 0);
            assertEquals(want.evo2StyleActivations(), got.evo2StyleActivations());
            assertEquals(want.mhaOutProjBias(), got.mhaOutProjBias());
            assertEquals(want.ropeScale(), got.ropeScale(), 0);
            assertEquals(want.maxSeqlen(), got.maxSeqlen());
            assertTrue(c.configOrigin().contains("run_config.yaml"), c.configOrigin());
        }
    }

    @Test
    void savannaFileHoldsTheGoldenWeights() throws IOException {
        Path file = BioNeMoFixtures.generated("savanna/global_step10/mp_rank_00_model_states.pt");
        try (BioNeMoCheckpoint c = BioNeMoCheckpoint.open(file, Integrity.CHECKED,
                Evo2Config.load(BioNeMoFixtures.golden("tiny.yml")), null)) {
            assertEquals(BioNeMoCheckpoint.Kind.SAVANNA, c.kind());
            assertSameAsGolden(c, Map.of());
        }
    }

    @Test
    void savannaFolderInBytePartsWithConfigNextToIt(@TempDir Path tmp) throws IOException {
        Path step = tmp.resolve("savanna_evo2_tiny/global_step10");
        Files.createDirectories(step);
        Files.writeString(tmp.resolve("savanna_evo2_tiny/latest"), "global_step10");
        byte[] all = Files.readAllBytes(BioNeMoFixtures.generated("savanna/global_step10/mp_rank_00_model_states.pt"));
        int cut = all.length / 3;
        Files.write(step.resolve("mp_rank_00_model_states.pt.part0"), java.util.Arrays.copyOfRange(all, 0, cut));
        Files.write(step.resolve("mp_rank_00_model_states.pt.part1"), java.util.Arrays.copyOfRange(all, cut,
                all.length));
        Files.copy(BioNeMoFixtures.golden("tiny.yml"), step.resolve("config.yml"));
        try (CheckpointFile f = open(tmp.resolve("savanna_evo2_tiny"))) {
            BioNeMoCheckpoint c = assertInstanceOf(BioNeMoCheckpoint.class, f);
            assertTrue(c.configOrigin().contains("config.yml"), c.configOrigin());
            assertSameAsGolden(c, Map.of());
        }
    }

    @Test
    void savannaWithoutAConfigNamesWhatIsMissing() throws IOException {
        Path file = BioNeMoFixtures.generated("savanna/global_step10/mp_rank_00_model_states.pt");
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> open(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("config"), e.getMessage());
    }

    @Test
    void loraAdaptersCombineWithTheirRecordedBase(@TempDir Path tmp) throws IOException {
        Path lora = loraCopy(tmp, BioNeMoFixtures.generated("mbridge").toString());
        try (CheckpointFile f = open(lora)) {
            BioNeMoCheckpoint c = assertInstanceOf(BioNeMoCheckpoint.class, f);
            assertEquals(BioNeMoCheckpoint.Kind.MEGATRON_BRIDGE_LORA, c.kind());
            assertEquals(BioNeMoFixtures.generated("mbridge").toAbsolutePath().normalize(),
                    c.baseModel().orElseThrow().toAbsolutePath().normalize());
            assertSameAsGolden(c, BioNeMoFixtures.tensors(BioNeMoFixtures.generated("lora_merged.pt")));
        }
    }

    @Test
    void loraWithItsRecordedBaseElsewhereNeedsAChosenBase(@TempDir Path tmp) throws IOException {
        String gone = tmp.resolve("cluster/results/evo2_base").toString();
        Path lora = loraCopy(tmp, gone);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> open(lora));
        assertTrue(e.getMessage().contains("run_config.yaml") && e.getMessage().contains(gone)
                && e.getMessage().contains("--base-model"), e.getMessage());

        BioNeMoCheckpoint.useBaseModel(lora, BioNeMoFixtures.generated("mbridge"));
        try (CheckpointFile f = open(lora)) {
            assertSameAsGolden(f, BioNeMoFixtures.tensors(BioNeMoFixtures.generated("lora_merged.pt")));
        }
    }

    @Test
    void truncatedShardIsNamedWithItsTensor(@TempDir Path tmp) throws IOException {
        Path copy = tmp.resolve("mbridge");
        BioNeMoFixtures.copyTree(BioNeMoFixtures.generated("mbridge"), copy);
        Path iter = copy.resolve("iter_0000100");
        Path shard;
        try (var s = Files.list(iter)) {
            shard = s.filter(p -> p.getFileName().toString().endsWith(".distcp"))
                    .max(java.util.Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
        }
        byte[] b = Files.readAllBytes(shard);
        Files.write(shard, java.util.Arrays.copyOf(b, b.length / 2));
        IOException e = assertThrows(IOException.class, () -> {
            try (CheckpointFile f = open(copy)) {
                for (String k : f.infos().keySet()) {
                    f.tensor(k);
                }
            }
        });
        assertTrue(e.getMessage().contains(shard.getFileName().toString()) && e.getMessage().contains("tensor '"),
                e.getMessage());
    }

    @Test
    void indexNamingAForeignClassIsRefused(@TempDir Path tmp) throws IOException {
        Path copy = tmp.resolve("mbridge");
        BioNeMoFixtures.copyTree(BioNeMoFixtures.generated("mbridge"), copy);
        Path md = copy.resolve("iter_0000100/.metadata");
        byte[] b = Files.readAllBytes(md);
        String text = new String(b, StandardCharsets.ISO_8859_1);
        String module = "torch.distributed.checkpoint.metadata";
        int at = text.indexOf(module);
        assertTrue(at >= 0, "the index names " + module);
        byte[] evil = "posix.distributed.checkpoint.metadata".getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(evil, 0, b, at, evil.length);
        Files.write(md, b);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> open(copy));
        assertTrue(e.getMessage().contains(".metadata") && e.getMessage().contains("posix.distributed"),
                e.getMessage());
    }

    /** A copy of the LoRA fixture whose run config records {@code base} as its base model. */
    private static Path loraCopy(Path tmp, String base) throws IOException {
        Path copy = tmp.resolve("mbridge_lora");
        BioNeMoFixtures.copyTree(BioNeMoFixtures.generated("mbridge_lora"), copy);
        Path rc = copy.resolve("iter_0000020/run_config.yaml");
        String text = Files.readString(rc);
        String rewritten = text.replaceFirst("(?m)^  pretrained_checkpoint: .*$",
                "  pretrained_checkpoint: " + base.replace("\\", "/"));
        assertTrue(!rewritten.equals(text), "run_config.yaml records pretrained_checkpoint");
        Files.writeString(rc, rewritten);
        return copy;
    }

    /**
     * Every key of tiny.pt is there with its shape; copied tensors equal tiny.pt's values exactly, computed ones
     * expected.pt's (fp32, as PyTorch computed them) within 1e-6 relative (PyTorch's vectorised exp and pow may differ
     * from correctly rounded values in the last bit or two), and those in {@code merged}
     * its values within 1e-6 (relative to max(1, |value|)). With {@code merged} given (a LoRA checkpoint, whose
     * adapters wrap every dense_projection, linear_qkv, linear_proj, linear_fc1 and linear_fc2), an adapted weight
     * that {@code merged} leaves out must differ from tiny.pt.
     */
    static void assertSameAsGolden(CheckpointFile c, Map<String, HostTensor> merged) throws IOException {
        Map<String, HostTensor> golden = BioNeMoFixtures.tensors(BioNeMoFixtures.golden("tiny.pt"));
        Map<String, HostTensor> expected = BioNeMoFixtures.tensors(BioNeMoFixtures.generated("expected.pt"));
        assertEquals(new TreeSet<>(golden.keySet()), new TreeSet<>(c.infos().keySet()));
        for (Map.Entry<String, HostTensor> e : golden.entrySet()) {
            String key = e.getKey();
            HostTensor got = c.tensor(key);
            assertArrayEquals(e.getValue().shape(), got.shape(), key);
            float[] g = got.toFloatArray();
            if (merged.containsKey(key)) {
                float[] w = merged.get(key).toFloatArray();
                for (int i = 0; i < w.length; i++) {
                    assertEquals(w[i], g[i], 1e-6 * Math.max(1, Math.abs(w[i])), key + "[" + i + "]");
                }
            } else if (!merged.isEmpty() && ADAPTED.matcher(key).matches()) {
                assertTrue(!java.util.Arrays.equals(e.getValue().toFloatArray(), g), key + " unchanged by its adapter");
            } else if (COMPUTED.contains(key)) {
                float[] w = expected.get(key).toFloatArray();
                for (int i = 0; i < w.length; i++) {
                    assertEquals(w[i], g[i], 1e-6 * Math.abs(w[i]), key + "[" + i + "]");
                }
            } else {
                assertArrayEquals(e.getValue().toFloatArray(), g, 0f, key);
            }
        }
    }

    /** Opens weights as the model loaders do (BioNeMo folders and Savanna files as the model they hold). */
    private static CheckpointFile open(java.nio.file.Path path) throws java.io.IOException {
        return BioNeMoCheckpoint.openAny(path, Integrity.CHECKED);
    }
}
