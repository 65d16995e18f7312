package org.evo2wb.engine.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.jni.IValueUtils;
import org.evo2wb.engine.model.TorchScriptModule;

/**
 * Copies of tensors between a GPU and host memory that do not wait: {@code to(…, non_blocking=True, copy=True)}
 * through TorchScript (DJL's own copies wait for the transfer). A GPU tensor copied to the host lands in pinned
 * memory (PyTorch allocates it so for a non-blocking copy), and both directions run in the order of the GPU's other
 * work, so a copy back is never read before its copy out has finished, and the GPU tensor may be freed as soon as its
 * copy is queued. On the CPU both are plain copies. Where a device refuses the scripted copy, DJL's (which waits) is
 * used from then on, and the log says so once.
 */
final class HostCopies {

    private static final TorchScriptModule.Lazy TO_HOST = new TorchScriptModule.Lazy("ToHost", """
              def forward(self: __torch__.ToHost,
                x: Tensor) -> Tensor:
                return torch.to(x, torch.device("cpu"), None, True, True)
            """);
    private static final TorchScriptModule.Lazy TO_DEVICE = new TorchScriptModule.Lazy("ToDevice", """
              def forward(self: __torch__.ToDevice,
                x: Tensor,
                like: Tensor) -> Tensor:
                return torch.to(x, ops.prim.device(like), None, True, True)
            """);

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HostCopies.class);
    private static final java.util.Map<Device, Boolean> REFUSED = new java.util.concurrent.ConcurrentHashMap<>();

    private HostCopies() {
    }

    /** A copy of {@code x} in host memory, in x's manager. */
    static NDArray toHost(NDArray x) {
        if (scripted(x.getDevice())) {
            try {
                return IValueUtils.forward(TO_HOST.get(), new NDList(x), true).singletonOrThrow();
            } catch (RuntimeException e) {
                refused(x.getDevice(), e);
            }
        }
        return x.toDevice(Device.cpu(), true);
    }

    /** A copy of {@code host} on {@code like}'s device, in host's manager. */
    static NDArray toDeviceOf(NDArray host, NDArray like) {
        if (scripted(like.getDevice())) {
            try {
                return IValueUtils.forward(TO_DEVICE.get(), new NDList(host, like), true).singletonOrThrow();
            } catch (RuntimeException e) {
                refused(like.getDevice(), e);
            }
        }
        return host.toDevice(like.getDevice(), true);
    }

    /** Uses DJL's copies on {@code d} (on) or tries the scripted ones again (off): tests. */
    static void useDjlCopies(Device d, boolean on) {
        if (on) {
            REFUSED.put(d, Boolean.TRUE);
        } else {
            REFUSED.remove(d);
        }
    }

    private static boolean scripted(Device d) {
        return !REFUSED.containsKey(d);
    }

    /** The device's copies go through DJL from now on (they wait for the transfer, but they work). */
    private static void refused(Device d, RuntimeException e) {
        if (REFUSED.putIfAbsent(d, Boolean.TRUE) == null) {
            LOG.warn("block inputs cannot be copied without waiting on {} ({}); DJL's copies are used", d,
                    e.getMessage());
        }
    }
}
