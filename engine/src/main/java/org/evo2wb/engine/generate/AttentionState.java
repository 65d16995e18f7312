package org.evo2wb.engine.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.evo2wb.engine.model.AttentionBlock;
import org.evo2wb.engine.model.Rotary;
import org.evo2wb.engine.model.Scalars;

/**
 * The state of an attention block: the keys (already rotated to their positions) and values of every position so
 * far, in a cache allocated for the whole generation and written in place, one position per step. A step attends
 * the new query (rotated to its own position, {@link Rotary#cosSinAt}) over the cached keys 0…t:
 * <pre>
 *   K[:, :, t] = RoPE_t(k_t);  V[:, :, t] = v_t;   a = softmax( RoPE_t(q_t)/√d_h · K[0..t]ᵀ ) · V[0..t]
 * </pre>
 * Legend: K, V (B, H, capacity, d_h). The cache doubles when a generation runs past its capacity. The scripted step
 * reads cos θ and sin θ of its position from tables made once per capacity by {@link Rotary#cosSin} (the forward's
 * own values); its tensors: the common ones of {@link BlockState#scriptWeights}, then Wqkv, Wo, bo; its state: K, V
 * and the cos and sin tables (capacity, d_h/2).
 */
final class AttentionState extends BlockState {

    private final AttentionBlock attention;
    private final long heads;
    private final long headDim;
    private final long hidden;
    private static final NDIndex Q = new NDIndex(":, :, :, 0, :");
    private static final NDIndex K = new NDIndex(":, :, :, 1, :");
    private static final NDIndex V = new NDIndex(":, :, :, 2, :");
    private long capacity;
    private long length;
    private NDArray keys;
    private NDArray values;
    private NDArray cos;                  // (capacity, d_h/2), made on the first scripted step
    private NDArray sin;

    AttentionState(AttentionBlock block, StateArrays arrays, long capacity) {
        super(block, arrays);
        this.attention = block;
        this.heads = block.heads();
        this.headDim = block.headDim();
        this.hidden = heads * headDim;
        this.capacity = capacity;
    }

    @Override
    void record(String name, NDArray value) {
        if (!name.equals("pre_norm")) {
            return;
        }
        long b = value.getShape().get(0);
        long len = value.getShape().get(1);
        NDArray qkv = attention.wqkv().forward(value).reshape(b, len, heads, 3, headDim);
        NDArray k = Rotary.apply(qkv.get(":, :, :, 1, :"), attention.rotary().cosSin(len)).transpose(0, 2, 1, 3);
        NDArray v = qkv.get(":, :, :, 2, :").transpose(0, 2, 1, 3);
        capacity = Math.max(capacity, len + 1);
        keys = arrays.replace(keys, cache(b, k, len));
        values = arrays.replace(values, cache(b, v, len));
        length = len;
    }

    private NDArray cache(long b, NDArray firstRows, long len) {
        NDArray c = firstRows.getManager().zeros(new Shape(b, heads, capacity, headDim), DataType.FLOAT32,
                firstRows.getDevice());
        c.set(NDIndex.sliceAxis(2, 0, len), firstRows);
        return c;
    }

    @Override
    boolean filled() {
        return keys != null;
    }

    @Override
    void repeat(int batch) {
        if (keys.getShape().get(0) != batch) {
            keys = arrays.replace(keys, keys.repeat(0, batch));
            values = arrays.replace(values, values.repeat(0, batch));
        }
    }

    @Override
    NDArray mix(NDArray n, long position) {
        reserve(position);
        long b = n.getShape().get(0);
        NDArray qkv = attention.wqkv().forward(n).reshape(b, 1, heads, 3, headDim);
        NDArray[] cs = attention.rotary().cosSinAt(position);
        NDArray q = Scalars.mul(Rotary.apply(qkv.get(Q), cs), 1.0 / Math.sqrt(headDim))
                .transpose(0, 2, 1, 3);                                                   // (B, H, 1, d_h)
        NDArray k = Rotary.apply(qkv.get(K), cs).transpose(0, 2, 1, 3);
        NDArray v = qkv.get(V).transpose(0, 2, 1, 3);
        NDIndex at = NDIndex.sliceAxis(2, position, position + 1);
        keys.set(at, k);
        values.set(at, v);
        length++;
        NDIndex seen = NDIndex.sliceAxis(2, 0, length);
        NDArray a = q.matMul(keys.get(seen).transpose(0, 1, 3, 2)).softmax(-1).matMul(values.get(seen));
        return attention.outProj().forward(a.transpose(0, 2, 1, 3).reshape(b, 1, hidden));
    }

    @Override
    boolean reserve(long position) {
        if (position != length) {
            throw new IllegalStateException("attention cache holds " + length + " positions, asked for " + position);
        }
        if (length < capacity) {
            return false;
        }
        long b = keys.getShape().get(0);
        long len = length;
        capacity = Math.max(2 * capacity, 16);
        NDIndex used = NDIndex.sliceAxis(2, 0, len);
        keys = arrays.replace(keys, cache(b, keys.get(used), len));
        values = arrays.replace(values, cache(b, values.get(used), len));
        if (cos != null) {
            rotaryTables();
        }
        return true;
    }

    @Override
    void stepped(long position) {
        length++;
    }

    @Override
    String scriptMethod() {
        return "attn";
    }

    @Override
    void addMixerScriptWeights(List<NDArray> w, NDManager owner) {
        w.add(attention.wqkv().gemmWeights(owner)[0]);
        addLinear(w, attention.outProj(), owner);
    }

    @Override
    List<NDArray> scriptState() {
        if (cos == null) {
            rotaryTables();
        }
        return List.of(keys, values, cos, sin);
    }

    /** cos θ and sin θ of every position the cache holds, (capacity, d_h/2). */
    private void rotaryTables() {
        NDArray[] cs = attention.rotary().cosSin(capacity);                        // (1, capacity, 1, d_h/2)
        cos = arrays.replace(cos, cs[0].reshape(capacity, headDim / 2));
        sin = arrays.replace(sin, cs[1].reshape(capacity, headDim / 2));
    }
}
