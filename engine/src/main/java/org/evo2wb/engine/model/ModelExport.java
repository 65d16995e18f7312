package org.evo2wb.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.evo2wb.engine.checkpoint.Half;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.PtWriter;
import org.evo2wb.engine.checkpoint.Safetensors;
import org.evo2wb.engine.checkpoint.StorageType;
import org.evo2wb.engine.checkpoint.TensorInfo;
import org.evo2wb.engine.io.AtomicFiles;

/**
 * Writes a model's weights as a checkpoint the official Evo 2 package and this engine both load.
 *
 * <p>{@link Dtypes#RELEASED} is the layout of the released {@code evo2_*.pt} files (spec §4.3, §4.4): every tensor
 * bf16 except {@code filter.log_poles} and {@code filter.residues} (fp32); the RoPE {@code inv_freq} buffers bf16
 * (they hold bf16-rounded values, so this is exact); {@code Wqkv} rows in the checkpoint's per-head
 * {@code [q_h; k_h; v_h]} order (the engine keeps that order, so rows are written as held); and the duplicate
 * {@code unembed.weight} right after {@code embedding_layer.weight}. fp32 values are rounded to the nearest bf16
 * (ties to even), which is what {@code tensor.to(torch.bfloat16)} does. {@link Dtypes#FP32} keeps every value as
 * held, for a lossless copy of a fine-tune.
 *
 * <p>Tensors are copied from the device one at a time while the file is written; the file appears atomically.
 * LoRA adapters must be merged first ({@code Lora.mergeAndUnload}): adapter tensors are refused.
 */
public final class ModelExport {

    /** Element types of the written tensors. */
    public enum Dtypes { RELEASED, FP32 }

    private ModelExport() {
    }

    /** Writes a {@code torch.save} zip ({@code .pt}) in the vortex key layout. */
    public static void writePt(StripedHyena model, Path file, Dtypes dtypes) throws IOException {
        Map<String, NDArray> tensors = tensors(model);
        Map<String, TensorInfo> layout = layout(model, dtypes);
        AtomicFiles.write(file, tmp -> PtWriter.write(tmp, layout, key -> host(tensors.get(key), layout.get(key))));
    }

    /** Writes a safetensors file with the same keys and types as {@link #writePt}. */
    public static void writeSafetensors(StripedHyena model, Path file, Dtypes dtypes) throws IOException {
        Map<String, NDArray> tensors = tensors(model);
        Map<String, TensorInfo> layout = layout(model, dtypes);
        Map<String, String> meta = Map.of("format", "pt", "layout", "evo2-vortex");
        AtomicFiles.write(file, tmp -> Safetensors.write(tmp, layout, key -> host(tensors.get(key), layout.get(key)),
                meta));
    }

    /** Keys, types and shapes in the order written (the model's order, {@code unembed.weight} after the embedding). */
    public static Map<String, TensorInfo> layout(StripedHyena model, Dtypes dtypes) {
        Map<String, TensorInfo> out = new LinkedHashMap<>();
        model.visitParameters((key, kind, value) -> {
            if (key.contains("lora_")) {
                throw new IllegalStateException("the model still carries LoRA adapters (" + key
                        + "); merge them before exporting");
            }
            TensorInfo info = new TensorInfo(typeOf(kind, dtypes), value.getShape().getShape());
            out.put(key, info);
            if (kind == ParameterKind.EMBEDDING) {
                out.put("unembed.weight", info);
            }
        });
        return out;
    }

    /** The stored type of a tensor of this role. */
    public static StorageType typeOf(ParameterKind kind, Dtypes dtypes) {
        if (dtypes == Dtypes.FP32 || kind == ParameterKind.LOG_POLES || kind == ParameterKind.RESIDUES) {
            return StorageType.F32;
        }
        return StorageType.BF16;
    }

    private static Map<String, NDArray> tensors(StripedHyena model) {
        Map<String, NDArray> out = new LinkedHashMap<>(model.parameters());
        out.put("unembed.weight", out.get("embedding_layer.weight"));
        return out;
    }

    private static HostTensor host(NDArray value, TensorInfo info) {
        float[] f = value.toType(DataType.FLOAT32, false).toFloatArray();
        ByteBuffer b = ByteBuffer.allocate(f.length * info.type().bytes()).order(ByteOrder.LITTLE_ENDIAN);
        if (info.type() == StorageType.F32) {
            b.asFloatBuffer().put(f);
        } else {
            java.nio.ShortBuffer s = b.asShortBuffer();
            for (float v : f) {
                s.put(Half.floatToBf16(v));
            }
        }
        return new HostTensor(info.type(), info.shape(), b);
    }
}
