package org.evo2wb.engine.train.parallel;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.evo2wb.engine.device.DeviceChoice;
import org.evo2wb.engine.device.DeviceList;
import org.evo2wb.engine.device.GpuCheck;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.FineTuneSettings;

/**
 * Turns the {@code device} and {@code devices} settings into DJL devices, passing over GPUs that fail the start-up
 * {@link GpuCheck}.
 */
public final class TrainingDevices {

    /** Most devices one run may share a batch between. */
    static final int MAX_DEVICES = 64;

    private static final String ONE = "cpu|gpu:\\d+";

    private TrainingDevices() {
    }

    /**
     * The devices and precision of a fine-tuning run, resolved once against this process's devices: see
     * {@link #choose(FineTuneSettings, DeviceList)}.
     */
    public static DeviceChoice choose(FineTuneSettings s) {
        return choose(s, DeviceList.thisProcess());
    }

    /**
     * The devices a fine-tuning run trains on, the first holding the model and the optimiser: the {@code device}
     * setting alone when {@code devices} is 1; gpu:0 … gpu:N−1 for a count N; else the listed devices; with the
     * {@code precision} setting and the memory of the first device.
     *
     * @throws IllegalArgumentException when a GPU asked for does not exist or fails its start-up check
     */
    public static DeviceChoice choose(FineTuneSettings s, DeviceList list) {
        String devices = s.get(FineTuneParameters.DEVICES).trim();
        Precision precision = s.get(FineTuneParameters.PRECISION);
        if (devices.matches("\\d+") && Integer.parseInt(devices) == 1) {
            return DeviceChoice.resolve(s.get(FineTuneParameters.DEVICE), precision, list);
        }
        try {
            return DeviceChoice.resolve(names(devices), precision, list);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("devices '" + devices + "': " + e.getMessage(), e);
        }
    }

    /** The devices of a {@code devices} value by name ({@code gpu:0}, {@code cpu}); empty for 1. */
    public static List<String> names(String devices) {
        String d = devices.trim();
        List<String> out = new ArrayList<>();
        if (d.matches("\\d+")) {
            int n = Integer.parseInt(d);
            for (int i = 0; n > 1 && i < n; i++) {
                out.add("gpu:" + i);
            }
            return out;
        }
        for (String part : d.split(",")) {
            out.add(part.trim().equals("gpu") ? "gpu:0" : part.trim());
        }
        return out;
    }

    /** The problem with a {@code devices} value, or null when it is a count 1 … 64 or a list of cpu / gpu:N. */
    public static String checkList(String devices) {
        String d = devices.trim();
        if (d.matches("\\d{1,9}")) {
            int n = Integer.parseInt(d);
            return n >= 1 && n <= MAX_DEVICES ? null : "a device count must be 1 to " + MAX_DEVICES + ", not " + n;
        }
        Set<String> gpus = new HashSet<>();
        for (String part : d.split(",", -1)) {
            String p = part.trim().equals("gpu") ? "gpu:0" : part.trim();
            if (!p.matches(ONE)) {
                return "'" + part.trim() + "' in '" + devices + "' is not cpu or gpu:N (write a count, or a list "
                        + "such as gpu:0,gpu:1)";
            }
            if (p.startsWith("gpu") && !gpus.add(p)) {
                return p + " is listed twice in '" + devices + "'";
            }
        }
        int n = d.split(",").length;
        return n <= MAX_DEVICES ? null : n + " devices listed; at most " + MAX_DEVICES;
    }

    /** How many devices share a batch (1 for an invalid value, which {@link #checkList} reports). */
    public static int count(String devices) {
        return checkList(devices) != null ? 1 : Math.max(1, names(devices).size());
    }

    /**
     * Why {@code device} and {@code devices} disagree, or null: with several devices, the device setting must be
     * auto or name the first of them.
     */
    public static String conflict(String device, String devices) {
        if (checkList(devices) != null || names(devices).isEmpty()) {
            return null;
        }
        String first = names(devices).get(0);
        String d = device.equals("gpu") ? "gpu:0" : device;
        if (d.equals("auto") || d.equals(first)) {
            return null;
        }
        return "the device setting (" + device + ") must be auto or the first of the data-parallel devices ("
                + devices.trim() + "), " + first + ", which holds the model and the optimiser";
    }
}
