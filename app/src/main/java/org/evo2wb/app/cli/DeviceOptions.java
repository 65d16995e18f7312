package org.evo2wb.app.cli;

import ai.djl.Device;
import java.util.List;
import java.util.Locale;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.train.Devices;
import org.evo2wb.engine.train.FineTuneParameters;
import org.evo2wb.engine.train.Hyperparameter;
import picocli.CommandLine.Option;

/**
 * Where a model runs and in which number format, the same in every command that runs one ({@code @Mixin}). A
 * fine-tuning run takes both from its settings instead ({@link FineTuneParameters#DEVICE},
 * {@link FineTuneParameters#PRECISION}); the values here are read and checked as those settings are, so
 * the messages are the same.
 */
final class DeviceOptions {

    @Option(names = "--device", paramLabel = "<auto|cpu|gpu:N>", defaultValue = "auto",
            description = "Where to run: auto (the first GPU if there is one, else the CPU), cpu, gpu or gpu:N. "
                    + "Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--precision", paramLabel = "<fp32>", defaultValue = "fp32",
            description = "Number format of the matrix products. Default: ${DEFAULT-VALUE}.")
    String precision;

    Device device() {
        return Devices.resolve(checked(FineTuneParameters.DEVICE, device.trim().toLowerCase(Locale.ROOT)));
    }

    Precision precision() {
        return checked(FineTuneParameters.PRECISION, precision);
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
