package org.evo2wb.app.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.evo2wb.app.models.AvailableDevices;
import org.evo2wb.engine.device.GpuCheck;
import org.evo2wb.engine.model.PrecisionSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code evo2wb devices}: each device with its memory, the start-up check and the precisions it offers. */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = {"List where Evo 2 can run: the CPU and every GPU PyTorch reports, with memory, the result of "
                + "the start-up check (a few numbers computed on the device and read back, an FFT convolution, "
                + "matrix products) and the precisions it offers, or why not.",
            "Names in the first column are values for --device."})
final class DevicesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        AvailableDevices.Detection found = AvailableDevices.detectWithNote();
        List<AvailableDevices.Option> devices = new ArrayList<>(found.devices());
        AvailableDevices.Option cpu = devices.get(0);
        GpuCheck.Result check = GpuCheck.of(Device.cpu());
        devices.set(0, new AvailableDevices.Option(cpu.label(), cpu.device(), cpu.memoryBytes(), "", check.problem(), ""));
        PrintWriter out = spec.commandLine().getOut();
        out.println(engineLine());
        out.print(format(new AvailableDevices.Detection(devices, found.note()), System.getenv()));
        out.flush();
        return Evo2wbCli.EXIT_OK;
    }

    private static String engineLine() {
        Engine e = Engine.getEngine("PyTorch");
        boolean cuda = e.hasCapability(ai.djl.engine.StandardCapabilities.CUDA);
        return "PyTorch " + e.getVersion() + " through DJL " + Engine.getDjlVersion() + "; CUDA: "
                + (cuda ? "yes" : "no") + "; TF32: " + (PrecisionSupport.tf32On()
                ? "on (fp32 matrix products on GPUs run in TF32)"
                : "off (start with " + PrecisionSupport.LAUNCHER_VARIABLE + "=1 to switch it on)");
    }

    /** One block per device (its --device name, label, check, precisions), then the note when there is one. */
    static String format(AvailableDevices.Detection found, Map<String, String> env) {
        StringBuilder b = new StringBuilder();
        for (AvailableDevices.Option d : found.devices()) {
            String name = d.isGpu() ? "gpu:" + d.device().getDeviceId() : "cpu";
            b.append(String.format(Locale.ROOT, "%-7s %s%n", name, d.label()));
            if (!d.usable()) {
                b.append(indent("check: FAILED. " + d.problem()));
                continue;
            }
            b.append(indent("check: passed"));
            List<AvailableDevices.PrecisionChoice> choices = AvailableDevices.precisions(d, env);
            b.append(indent("precisions: " + choices.stream().filter(AvailableDevices.PrecisionChoice::available)
                    .map(AvailableDevices.PrecisionChoice::label).collect(Collectors.joining(", "))));
            String missing = choices.stream().filter(c -> !c.available())
                    .map(c -> c.label() + ": " + c.reason()).collect(Collectors.joining(" "));
            if (!missing.isEmpty()) {
                b.append(indent("not available: " + missing));
            }
        }
        if (!found.note().isEmpty()) {
            b.append(found.note()).append(System.lineSeparator());
        }
        return b.toString();
    }

    private static String indent(String line) {
        return "        " + line + System.lineSeparator();
    }
}
