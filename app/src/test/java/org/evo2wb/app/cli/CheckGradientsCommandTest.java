package org.evo2wb.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.evo2wb.bio.dataset.Evo2Tokenizer;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.Safetensors;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.train.optim.LossGradients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code evo2wb check-gradients} writes the engine's gradient of the mean next-token loss for the tokens of the
 * input records (that gradient itself is checked against the float64 goldens in the engine's tests).
 */
class CheckGradientsCommandTest {

    @TempDir
    Path tmp;

    @Test
    void writesTheEnginesGradientForEveryParameterKeyedByCheckpointName() throws Exception {
        String a = "ATGAAACGCATTAGCACCACCATTACCACCACCATCACCA";
        String b = "TTACCACAGGTAACGGTGCGggcttacgt";
        Path fasta = Files.writeString(tmp.resolve("two.fasta"), ">a\n" + a + "\n>b second record\n" + b + "\n");
        Path out = tmp.resolve("grads.safetensors");
        Cli.Run r = Cli.run("check-gradients", "--model", Cli.tinyModel(), "--input", fasta, "--out", out,
                "--device", "cpu");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("loss "), r.out());
        assertTrue(r.out().contains(" over " + (a.length() - 1 + b.length() - 1) + " targets of 2 records"), r.out());

        LossGradients.Result expected;
        try (StripedHyena m = Cli.loadTiny()) {
            expected = LossGradients.compute(m, List.of(Evo2Tokenizer.encodeLongs(a, false),
                    Evo2Tokenizer.encodeLongs(b, false)));
        }
        Map<String, HostTensor> got = Safetensors.read(out);
        assertEquals(expected.gradients().keySet(), got.keySet());
        assertEquals(53, got.size(), "the 55 tensors of tiny.pt less unembed.weight and the RoPE buffer");
        for (Map.Entry<String, HostTensor> e : expected.gradients().entrySet()) {
            assertArrayEquals(e.getValue().shape(), got.get(e.getKey()).shape(), e.getKey());
            assertArrayEquals(e.getValue().toFloatArray(), got.get(e.getKey()).toFloatArray(), e.getKey());
        }
        try (Safetensors f = Safetensors.open(out)) {
            assertEquals(expected.loss(), Double.parseDouble(f.metadata().get("loss")), 1e-12);
        }

        Path tooShort = Files.writeString(tmp.resolve("short.fasta"), ">one\nA\n");
        r = Cli.run("check-gradients", "--model", Cli.tinyModel(), "--input", tooShort, "--out", out);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("record 'one' has fewer than 2 bases"), r.err());
    }
}
