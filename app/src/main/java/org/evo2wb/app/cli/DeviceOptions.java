package org.evo2wb.app.cli;

import ai.djl.Device;
import java.util.List;
import java.util.Locale;
import org.evo2wb.engine.device.DeviceChoice;
import org.evo2wb.engine.device.DeviceList;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.Hyperparameter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Where a model runs and in which number format, the same in every command that runs one ({@code @Mixin}). A
 * fine-tuning run takes both from its settings instead ({@link FineTuneParameters#DEVICE},
 * {@link FineTuneParameters#PRECISION}); the values here are read and checked as those settings are, so
 * the messages are the same.
 */
final class DeviceOptions {

    @Option(names = "--device", paramLabel = "<auto|cpu|gpu:N>", defaultValue = "auto",
            description = "Where to run: auto (the first GPU that passes the start-up check, else the CPU), cpu, "
                    + "gpu or gpu:N. Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--precision", paramLabel = "<fp32|tf32|fp16>", defaultValue = "fp32",
            description = "How the matrix products are computed: fp32; tf32 (a GPU, with the workbench started as "
                    + "EVO2WB_TF32=1 ./evo2wb ...); fp16 (fp16-mixed, a GPU). evo2wb devices lists what each device "
                    + "offers. Default: ${DEFAULT-VALUE}.")
    String precision;

    /** Where notes go (GPUs passed over by auto); null when these options were made by hand. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    private DeviceChoice resolved;

    /**
     * The device and precision named by --device and --precision, resolved once. With auto, a GPU that failed the
     * start-up check is passed over and the reason printed on standard error; a GPU named outright that failed it is
     * refused with the reason. The precision is as written, not yet checked against the device.
     */
    DeviceChoice choice() {
        if (resolved == null) {
            DeviceChoice c = DeviceChoice.resolve(checked(FineTuneParameters.DEVICE,
                    device.trim().toLowerCase(Locale.ROOT)), requestedPrecision(), DeviceList.thisProcess());
            if (!c.note().isEmpty() && mixee != null) {
                mixee.commandLine().getErr().println(c.note());
                mixee.commandLine().getErr().flush();
            }
            resolved = c;
        }
        return resolved;
    }

    /** The device named by --device: see {@link #choice()}. */
    Device device() {
        return choice().device();
    }

    /**
     * The precision named by --precision as written, not checked against the device: for comparisons that run a
     * precision where it is not offered (fp16 on the CPU, slowly) on purpose.
     */
    Precision requestedPrecision() {
        return checked(FineTuneParameters.PRECISION, precision);
    }

    /** The precision named by --precision, checked against the device (why not, and what to do, when it cannot). */
    Precision precision() {
        Precision p = requestedPrecision();
        String problem = choice().precisionProblem();
        if (!problem.isEmpty()) {
            throw new IllegalArgumentException("--precision " + precision.trim() + " on " + device() + ": " + problem);
        }
        return p;
    }

    /** The value as the fine-tuning settings read and check it, a problem named by the flag. */
    private static <T> T checked(Hyperparameter<T> setting, String text) {
        T value;
        try {
            value = setting.type().parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting.flag() + ": " + e.getMessage(), e);
        }
        List<String> problems = setting.problemsWith(value);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(setting.flag() + ": " + problems.get(0));
        }
        return value;
    }
}
