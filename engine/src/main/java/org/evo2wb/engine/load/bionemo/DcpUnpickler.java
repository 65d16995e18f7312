package org.evo2wb.engine.load.bionemo;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;
import org.evo2wb.engine.checkpoint.CheckpointFormatException;
import org.evo2wb.engine.checkpoint.PickleInput;

/**
 * Reads the {@code .metadata} pickle of a PyTorch distributed checkpoint (the index of a Megatron Bridge
 * {@code iter_*} folder) without running Python code: an allowlist unpickler whose objects are inert records.
 *
 * <p>Classes may come only from the modules that define the checkpoint index ({@code torch.distributed.checkpoint.*},
 * {@code torch.distributed._shard.*}, Megatron's {@code megatron.core.dist_checkpointing.*}) and {@code pathlib} (the
 * checkpoint id); each becomes a {@link PyObject} that records its class name, its constructor arguments and the state
 * {@code BUILD} gives it, and nothing is called. {@code torch.Size} becomes its tuple, {@code torch.<dtype>} and the
 * other named torch constants a {@link TorchName} (so does a layout pickled as
 * {@code torch.serialization._get_layout('torch.strided')}), {@code collections.OrderedDict} a map, and an enum member
 * ({@code getattr(<record class>, 'NAME')}, as Python 3.11+ pickles one) an inert record of its class. Any other global is refused
 * with the file and the class named; {@code INST}/{@code OBJ}/{@code EXT*}/{@code PERSID} and out-of-band buffers are
 * refused too.
 */
final class DcpUnpickler extends Unpickler {

    /** An inert Python object: class, constructor arguments, and the fields or state set by {@code BUILD}. */
    static final class PyObject {
        final String type;
        final Object[] args;
        final Map<String, Object> fields = new LinkedHashMap<>();
        Object state;

        PyObject(String type, Object[] args) {
            this.type = type;
            this.args = args;
        }

        /** The class name without its module. */
        String simpleName() {
            return type.substring(type.lastIndexOf('.') + 1);
        }

        @Override
        public String toString() {
            return simpleName() + fields;
        }
    }

    /** A constant of the torch module named by a pickle ({@code torch.bfloat16}, {@code torch.strided}, …). */
    record TorchName(String name) {}

    /** A class allowed as an inert record; calling it (NEWOBJ, REDUCE) makes a {@link PyObject}. */
    private record PyClass(String name) {}

    private record Special(String name) {}

    private static final Special TORCH_SIZE = new Special("torch.Size");
    private static final Special ORDERED_DICT = new Special("collections.OrderedDict");
    private static final Special RECONSTRUCTOR = new Special("copyreg._reconstructor");
    private static final Special GET_LAYOUT = new Special("torch.serialization._get_layout");
    private static final Special GETATTR = new Special("builtins.getattr");

    private static final List<String> RECORD_MODULES = List.of("torch.distributed.checkpoint.",
            "torch.distributed._shard.", "megatron.core.dist_checkpointing.", "pathlib");

    private static final Set<String> TORCH_CONSTANTS = Set.of("float32", "float", "bfloat16", "float16", "half",
            "float64", "double", "int64", "long", "int32", "int", "int16", "short", "int8", "uint8", "bool",
            "complex64", "complex128", "float8_e4m3fn", "float8_e5m2", "strided", "sparse_coo", "contiguous_format",
            "channels_last", "preserve_format");

    private final String where;

    /** @param where the file named in messages */
    private PickleInput pickle;

    DcpUnpickler(String where) {
        this.where = where;
    }

    /** Unpickles {@code bytes}. */
    Object read(byte[] bytes) throws CheckpointFormatException {
        try {
            pickle = new PickleInput(bytes);
            return load(pickle.stream());
        } catch (Failure e) {
            throw new CheckpointFormatException(where + ": " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            throw new CheckpointFormatException(where + ": not a readable checkpoint index pickle (" + e + ")", e);
        } finally {
            close();
        }
    }

    @Override
    protected Object dispatch(short key) throws IOException {
        String tooLong = pickle.lengthProblem(key);
        if (tooLong != null) {
            throw new Failure(tooLong);
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
                    throw new Failure("STACK_GLOBAL with non-string operands");
                }
                stack.add(resolve(m, n));
                return NO_RETURN_VALUE;
            }
            case Opcodes.REDUCE, Opcodes.NEWOBJ -> {
                Object args = stack.pop();
                Object callable = stack.pop();
                if (!(args instanceof Object[] a)) {
                    throw new Failure("arguments of " + callable + " are not a tuple");
                }
                stack.add(call(callable, a));
                return NO_RETURN_VALUE;
            }
            case Opcodes.BUILD -> {
                Object state = stack.pop();
                Object target = stack.peek();
                if (target instanceof PyObject o) {
                    build(o, state);
                } else if (!(target instanceof Map)) {
                    throw new Failure("BUILD on " + describe(target) + " is not allowed");
                }
                return NO_RETURN_VALUE;
            }
            case Opcodes.EMPTY_DICT -> {
                stack.add(new LinkedHashMap<>());
                return NO_RETURN_VALUE;
            }
            case Opcodes.SETITEMS -> {
                if (!PickleInput.setItems(stack)) {
                    throw new Failure("SETITEMS on " + describe(stack.peek()));
                }
                return NO_RETURN_VALUE;
            }
            case Opcodes.DICT -> {
                PickleInput.dict(stack);
                return NO_RETURN_VALUE;
            }
            case Opcodes.INST, Opcodes.OBJ, Opcodes.NEWOBJ_EX, Opcodes.EXT1, Opcodes.EXT2, Opcodes.EXT4,
                 Opcodes.PERSID, Opcodes.BINPERSID, Opcodes.NEXT_BUFFER, Opcodes.READONLY_BUFFER ->
                    throw new Failure("pickle opcode 0x" + Integer.toHexString(key) + " is not allowed in a checkpoint "
                            + "index");
            default -> {
                return super.dispatch(key);
            }
        }
    }

    private Object resolve(String module, String name) {
        String full = module + "." + name;
        if (full.equals("torch.Size")) {
            return TORCH_SIZE;
        }
        if (full.equals("collections.OrderedDict")) {
            return ORDERED_DICT;
        }
        if (full.equals("copyreg._reconstructor")) {
            return RECONSTRUCTOR;
        }
        if (full.equals("torch.serialization._get_layout")) {
            return GET_LAYOUT;
        }
        if (full.equals("builtins.getattr")) {
            return GETATTR;
        }
        if (module.equals("torch") && TORCH_CONSTANTS.contains(name)) {
            return new TorchName(name);
        }
        for (String m : RECORD_MODULES) {
            if (module.startsWith(m) || module.equals(m.replaceAll("\\.$", ""))) {
                return new PyClass(full);
            }
        }
        if (full.equals("builtins.object") || full.equals("__builtin__.object")) {
            return new PyClass(full);
        }
        throw new Failure("refusing class or function '" + full + "': a distributed-checkpoint index holds only "
                + "its own records, tensor sizes and dtypes");
    }

    private Object call(Object callable, Object[] a) {
        if (callable == TORCH_SIZE) {
            if (a.length != 1 || !(a[0] instanceof Object[] dims)) {
                throw new Failure("torch.Size expects one tuple, got " + describe(a));
            }
            return dims;
        }
        if (callable == ORDERED_DICT) {
            Map<Object, Object> m = new LinkedHashMap<>();
            if (a.length == 1 && a[0] instanceof List<?> pairs) {
                for (Object p : pairs) {
                    if (p instanceof Object[] kv && kv.length == 2) {
                        m.put(kv[0], kv[1]);
                    }
                }
            }
            return m;
        }
        if (callable == GET_LAYOUT) {
            if (a.length != 1 || !(a[0] instanceof String name) || !name.startsWith("torch.")
                    || !TORCH_CONSTANTS.contains(name.substring(6))) {
                throw new Failure("torch.serialization._get_layout of " + describe(a));
            }
            return new TorchName(name.substring(6));
        }
        if (callable == GETATTR) {
            // Python 3.11+ pickles an enum member as getattr(EnumClass, 'NAME'); only on an allowed record class
            if (a.length != 2 || !(a[0] instanceof PyClass cls) || !(a[1] instanceof String member)) {
                throw new Failure("getattr is only allowed as getattr(<checkpoint record class>, 'NAME'), got "
                        + describe(a));
            }
            return new PyObject(cls.name(), new Object[] {member});
        }
        if (callable == RECONSTRUCTOR) {
            if (a.length < 1 || !(a[0] instanceof PyClass cls)) {
                throw new Failure("copyreg._reconstructor of " + describe(a));
            }
            return new PyObject(cls.name(), new Object[0]);
        }
        if (callable instanceof PyClass cls) {
            return new PyObject(cls.name(), a);
        }
        throw new Failure("call of " + describe(callable) + " is not allowed");
    }

    private static void build(PyObject o, Object state) {
        if (state instanceof Map<?, ?> m) {
            m.forEach((k, v) -> o.fields.put(String.valueOf(k), v));
        } else if (state instanceof Object[] t && t.length == 2 && (t[0] == null || t[0] instanceof Map)
                && (t[1] == null || t[1] instanceof Map)) {
            for (Object part : t) {
                if (part instanceof Map<?, ?> m) {
                    m.forEach((k, v) -> o.fields.put(String.valueOf(k), v));
                }
            }
        } else {
            o.state = state; // a __setstate__ tuple (TensorProperties)
        }
    }

    /** An integer field of a record, or a failure naming it. */
    static long integer(Object o, String what) throws CheckpointFormatException {
        if (o instanceof Integer || o instanceof Long) {
            return ((Number) o).longValue();
        }
        if (o instanceof BigInteger b && b.bitLength() < 64) {
            return b.longValue();
        }
        throw new CheckpointFormatException(what + " is not an integer: " + describe(o));
    }

    /** A tuple or list of integers. */
    static long[] integers(Object o, String what) throws CheckpointFormatException {
        List<Object> items = new ArrayList<>();
        if (o instanceof Object[] a) {
            items.addAll(List.of(a));
        } else if (o instanceof List<?> l) {
            items.addAll(l);
        } else {
            throw new CheckpointFormatException(what + " is not a tuple of integers: " + describe(o));
        }
        long[] out = new long[items.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = integer(items.get(i), what);
        }
        return out;
    }

    static String describe(Object o) {
        if (o instanceof Object[] a) {
            List<String> parts = new ArrayList<>();
            for (Object x : a) {
                parts.add(describe(x));
            }
            return "(" + String.join(", ", parts) + ")";
        }
        return String.valueOf(o);
    }

    /** A refusal inside the unpickler, turned into a {@link CheckpointFormatException} by {@link #read}. */
    private static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message);
        }
    }
}
