package org.evo2wb.engine.checkpoint;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * Reads the {@code data.pkl} of a {@code torch.save} archive and nothing else: an allowlist unpickler.
 *
 * <p>Every opcode goes through {@link #dispatch}. Plain data opcodes (ints, strings, tuples, lists, dicts, memo)
 * are handled by razorvine's {@link Unpickler}. The opcodes that name or call Python objects ({@code GLOBAL},
 * {@code STACK_GLOBAL}, {@code REDUCE}, {@code NEWOBJ}, {@code BUILD}, {@code BINPERSID}) are handled here against
 * a fixed allowlist; {@code INST}, {@code OBJ}, {@code NEWOBJ_EX}, {@code EXT*}, text {@code PERSID} and
 * out-of-band buffers are refused. Razorvine's own global-class registry is never consulted, so no pickle can
 * construct anything but the values below; no Python code is ever run.
 *
 * <p>Allowed globals: {@code torch._utils._rebuild_tensor_v2} (→ {@link TensorEntry}),
 * {@code torch._utils._rebuild_parameter} (unwraps to its tensor), {@code collections.OrderedDict}
 * (→ {@link LinkedHashMap}), the typed storage classes {@code torch.{BFloat16,Half,Float,Double,Long,Int,Byte,Bool}Storage}
 * (only inside a persistent id {@code ('storage', cls, key, location, numel)}), and, so that Transformer-Engine
 * {@code _extra_state} entries do not break loading, {@code _io.BytesIO} (→ {@link OpaqueBytes}) and
 * {@code _codecs.encode(str, 'latin1')} (→ {@code byte[]}). Plain dicts become {@link LinkedHashMap} to keep key order.
 * DeepSpeed's model-state files (Savanna checkpoints) also hold {@code torch.Size} (→ its tuple) and sets
 * ({@code builtins.set}, → a list of the items).
 */
final class SafeUnpickler extends Unpickler {

    /** Contents of a pickled {@code io.BytesIO} (an FP8 metadata blob); kept opaque. */
    record OpaqueBytes(byte[] value) {}

    /** A storage named by a persistent id; only {@code _rebuild_tensor_v2} consumes it. */
    private record StorageRef(String key, StorageType type, long numel) {}

    private enum Callable { REBUILD_TENSOR_V2, REBUILD_PARAMETER, ORDERED_DICT, BYTES_IO, CODECS_ENCODE, TORCH_SIZE, SET }

    private record StorageClass(StorageType type, String pythonName) {}

    private static final Map<String, StorageType> STORAGES = Map.of(
            "BFloat16Storage", StorageType.BF16, "HalfStorage", StorageType.F16, "FloatStorage", StorageType.F32,
            "DoubleStorage", StorageType.F64, "LongStorage", StorageType.I64, "IntStorage", StorageType.I32,
            "ByteStorage", StorageType.U8, "BoolStorage", StorageType.BOOL);

    private final String where;
    private PickleInput pickle;

    /** @param where file and entry named in error messages, e.g. {@code "evo2_7b.pt: archive/data.pkl"} */
    SafeUnpickler(String where) {
        this.where = where;
    }

    /** Unpickles {@code bytes}; the result holds {@link TensorEntry} where the pickle holds tensors. */
    Object read(byte[] bytes) throws IOException {
        pickle = new PickleInput(bytes);
        try {
            return load(pickle.stream());
        } catch (UncheckedFormat e) {
            throw (CheckpointFormatException) e.getCause();
        } catch (CheckpointFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw fail("malformed pickle (" + e.getMessage() + ")");
        } finally {
            close();
        }
    }

    @Override
    protected Object dispatch(short key) throws IOException {
        String tooLong = pickle.lengthProblem(key);
        if (tooLong != null) {
            throw fail(tooLong);
        }
        switch (key) {
            case Opcodes.GLOBAL -> {
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                stack.add(resolve(module, name));
                return NO_RETURN_VALUE;
            }
            case Opcodes.STACK_GLOBAL -> {
                Object name = stack.pop();
                Object module = stack.pop();
                if (!(module instanceof String m) || !(name instanceof String n)) {
                    throw fail("STACK_GLOBAL with non-string operands");
                }
                stack.add(resolve(m, n));
                return NO_RETURN_VALUE;
            }
            case Opcodes.REDUCE, Opcodes.NEWOBJ -> {
                Object args = stack.pop();
                Object callable = stack.pop();
                if (!(callable instanceof Callable c)) {
                    throw fail((key == Opcodes.REDUCE ? "REDUCE" : "NEWOBJ") + " on a value that is not an allowed "
                            + "callable (" + describe(callable) + ")");
                }
                if (!(args instanceof Object[] a)) {
                    throw fail("arguments of " + c + " are not a tuple");
                }
                stack.add(call(c, a));
                return NO_RETURN_VALUE;
            }
            case Opcodes.BUILD -> {
                Object state = stack.pop();
                Object target = stack.peek();
                if (target instanceof OpaqueBytes) {
                    stack.pop();
                    Object value = state instanceof Object[] t && t.length > 0 ? t[0] : null;
                    stack.add(new OpaqueBytes(value instanceof byte[] b ? b : new byte[0]));
                } else if (!(target instanceof LinkedHashMap)) {
                    // OrderedDict state (state_dict()._metadata) is dropped; anything else is refused.
                    throw fail("BUILD on " + describe(target) + " is not allowed");
                }
                return NO_RETURN_VALUE;
            }
            case Opcodes.EMPTY_DICT -> {
                stack.add(new LinkedHashMap<>());
                return NO_RETURN_VALUE;
            }
            case Opcodes.SETITEMS -> {
                if (!PickleInput.setItems(stack)) {
                    throw fail("SETITEMS on " + describe(stack.peek()));
                }
                return NO_RETURN_VALUE;
            }
            case Opcodes.DICT -> {
                PickleInput.dict(stack);
                return NO_RETURN_VALUE;
            }
            case Opcodes.INST, Opcodes.OBJ, Opcodes.NEWOBJ_EX, Opcodes.EXT1, Opcodes.EXT2, Opcodes.EXT4,
                 Opcodes.PERSID, Opcodes.NEXT_BUFFER, Opcodes.READONLY_BUFFER, Opcodes.BYTEARRAY8,
                 Opcodes.EMPTY_SET, Opcodes.ADDITEMS, Opcodes.FROZENSET ->
                    throw fail("pickle opcode 0x" + Integer.toHexString(key) + " is not allowed in a checkpoint");
            default -> {
                return super.dispatch(key);
            }
        }
    }

    @Override
    protected Object persistentLoad(Object pid) {
        if (!(pid instanceof Object[] t) || t.length != 5 || !"storage".equals(t[0])
                || !(t[1] instanceof StorageClass cls) || !(t[2] instanceof String storageKey)
                || !(t[4] instanceof Number numel)) {
            throw new UncheckedFormat(fail("unsupported persistent id " + describe(pid)
                    + " (expected ('storage', torch.<Type>Storage, key, location, numel))"));
        }
        return new StorageRef(storageKey, cls.type(), numel.longValue());
    }

    private Object resolve(String module, String name) throws CheckpointFormatException {
        String full = module + "." + name;
        switch (full) {
            case "torch._utils._rebuild_tensor_v2":
                return Callable.REBUILD_TENSOR_V2;
            case "torch._utils._rebuild_parameter":
                return Callable.REBUILD_PARAMETER;
            case "collections.OrderedDict":
                return Callable.ORDERED_DICT;
            case "_io.BytesIO":
            case "io.BytesIO":
                return Callable.BYTES_IO;
            case "_codecs.encode":
                return Callable.CODECS_ENCODE;
            case "torch.Size":
                return Callable.TORCH_SIZE;
            case "builtins.set":
            case "__builtin__.set":
                return Callable.SET;
            default:
                if (module.equals("torch") && STORAGES.containsKey(name)) {
                    return new StorageClass(STORAGES.get(name), full);
                }
                throw fail("refusing class or function '" + full + "': only tensors, storages and dicts may appear "
                        + "in a checkpoint");
        }
    }

    private Object call(Callable c, Object[] a) throws CheckpointFormatException {
        switch (c) {
            case REBUILD_TENSOR_V2: {
                if (a.length < 4 || !(a[0] instanceof StorageRef storage)) {
                    throw fail("_rebuild_tensor_v2 expects (storage, offset, size, stride, …), got " + describe(a));
                }
                long[] size = longs(a[2], "size");
                long[] stride = longs(a[3], "stride");
                if (size.length != stride.length) {
                    throw fail("tensor with shape " + Arrays.toString(size) + " has stride " + Arrays.toString(stride));
                }
                return new TensorEntry(storage.key(), storage.type(), storage.numel(),
                        number(a[1], "storage offset"), size, stride);
            }
            case REBUILD_PARAMETER: {
                if (a.length < 1 || !(a[0] instanceof TensorEntry t)) {
                    throw fail("_rebuild_parameter expects a tensor, got " + describe(a));
                }
                return t;
            }
            case ORDERED_DICT: {
                Map<Object, Object> m = new LinkedHashMap<>();
                if (a.length == 1 && a[0] instanceof List<?> pairs) {
                    for (Object p : pairs) {
                        if (p instanceof Object[] kv && kv.length == 2) {
                            m.put(kv[0], kv[1]);
                        }
                    }
                } else if (a.length != 0) {
                    throw fail("OrderedDict with arguments " + describe(a));
                }
                return m;
            }
            case BYTES_IO:
                return new OpaqueBytes(a.length > 0 && a[0] instanceof byte[] b ? b : new byte[0]);
            case CODECS_ENCODE: {
                if (a.length != 2 || !(a[0] instanceof String s) || !(a[1] instanceof String enc)
                        || !(enc.equals("latin1") || enc.equals("latin-1"))) {
                    throw fail("_codecs.encode is only allowed as encode(str, 'latin1'), got " + describe(a));
                }
                return s.getBytes(StandardCharsets.ISO_8859_1);
            }
            case TORCH_SIZE: {
                if (a.length != 1 || !(a[0] instanceof Object[] dims)) {
                    throw fail("torch.Size expects one tuple of sizes, got " + describe(a));
                }
                return dims;
            }
            case SET: {
                if (a.length > 1 || (a.length == 1 && !(a[0] instanceof List<?>))) {
                    throw fail("set expects a list of items, got " + describe(a));
                }
                return a.length == 0 ? List.of() : new ArrayList<>((List<?>) a[0]);
            }
            default:
                throw new AssertionError(c);
        }
    }

    private long[] longs(Object tuple, String what) throws CheckpointFormatException {
        if (!(tuple instanceof Object[] t)) {
            throw fail("tensor " + what + " is not a tuple: " + describe(tuple));
        }
        long[] out = new long[t.length];
        for (int i = 0; i < t.length; i++) {
            out[i] = number(t[i], what);
            if (out[i] < 0) {
                throw fail("negative tensor " + what + " " + describe(tuple));
            }
        }
        return out;
    }

    private long number(Object o, String what) throws CheckpointFormatException {
        if (o instanceof Integer || o instanceof Long) {
            return ((Number) o).longValue();
        }
        if (o instanceof BigInteger b && b.bitLength() < 64) {
            return b.longValue();
        }
        throw fail("tensor " + what + " is not an integer: " + describe(o));
    }

    private CheckpointFormatException fail(String message) {
        long pos = pickle == null ? -1 : pickle.position();
        return new CheckpointFormatException(where + ": " + message + (pos >= 0 ? " (near byte " + pos + ")" : ""));
    }

    private static String describe(Object o) {
        if (o instanceof Object[] a) {
            List<String> parts = new ArrayList<>();
            for (Object x : a) {
                parts.add(describe(x));
            }
            return "(" + String.join(", ", parts) + ")";
        }
        if (o instanceof String s) {
            return "'" + s + "'";
        }
        if (o instanceof StorageClass s) {
            return s.pythonName();
        }
        return String.valueOf(o);
    }

    /** Carries a format error out of {@link #persistentLoad}, whose signature allows no checked exception. */
    static final class UncheckedFormat extends RuntimeException {
        UncheckedFormat(CheckpointFormatException cause) {
            super(cause);
        }
    }
}
