package org.evo2wb.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.jni.IValueUtils;
import org.evo2wb.engine.model.TorchScriptModule;

/**
 * Copies of tensors between a GPU and host memory that do not wait: {@code to(…, non_blocking=True, copy=True)}
 * through TorchScript (DJL's own copies wait for the transfer). A GPU tensor copied to the host lands in pinned
 * memory (PyTorch allocates it so for a non-blocking copy), and both directions run in the order of the GPU's other
 * work, so a copy back is never read before its copy out has finished, and the GPU tensor may be freed as soon as its
 * copy is queued. On the CPU both are plain copies.
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

    private HostCopies() {
    }

    /** A copy of {@code x} in host memory, in x's manager. */
    static NDArray toHost(NDArray x) {
        return IValueUtils.forward(TO_HOST.get(), new NDList(x), true).singletonOrThrow();
    }

    /** A copy of {@code host} on {@code like}'s device, in host's manager. */
    static NDArray toDeviceOf(NDArray host, NDArray like) {
        return IValueUtils.forward(TO_DEVICE.get(), new NDList(host, like), true).singletonOrThrow();
    }
}
