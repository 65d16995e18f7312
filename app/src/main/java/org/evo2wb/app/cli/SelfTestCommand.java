package org.evo2wb.app.cli;

import ai.djl.Device;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.evo2wb.engine.load.ModelFiles;
import org.evo2wb.engine.load.ModelSpec;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.score.SelfTest;
import org.evo2wb.engine.score.SelfTestTask;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code evo2wb selftest}: re-scores a model's stored self-test sequences and compares them with the values kept
 * next to its weights ({@link SelfTest}, as a {@link SelfTestTask}); the Models view's Self-test button does the same.
 */
@Command(name = "selftest", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Check that a model still computes what it did when it was made: score the sequences of the "
                + "self-test file next to its weights (selftest.tsv or NAME.selftest.tsv) and compare each mean "
                + "log-likelihood with the stored value.",
            "Without --model the bundled default model is tested. Exit code 0 when every sequence is within its "
                    + "tolerance, 1 otherwise.",
            "Example: evo2wb selftest",
            "Example: evo2wb selftest --model evo2_7b.pt --device gpu:0"})
final class SelfTestCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = false)
    ModelOptions model;

    @Mixin
    DeviceOptions where;

    @Override
    public Integer call() throws Exception {
        Device device = where.device();
        Precision precision = where.precision();
        ModelSpec.Resolved resolved = ModelOptions.specOrDefault(model).resolve();
        Path file = resolved.selfTest().orElseThrow(() -> new IllegalArgumentException(resolved.kind()
                == ModelSpec.Kind.RUN ? resolved.name() + " is a fine-tuning run folder: its model has no stored "
                + "self-test values" : "no self-test values are stored with " + resolved.weights() + " (looked for "
                + ModelFiles.stem(resolved.weights().getFileName().toString()) + ".selftest.tsv and selftest.tsv "
                + "next to it); nothing to compare with"));
        List<SelfTest.Case> cases = SelfTest.read(file);
        SelfTest.Report report;
        try (StripedHyena m = resolved.load(device, precision)) {
            report = TaskConsole.run(new SelfTestTask(m, cases), spec.commandLine().getErr());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(report.describe(file.toString()));
        out.flush();
        return report.passed() ? Evo2wbCli.EXIT_OK : Evo2wbCli.EXIT_FAILED;
    }
}
