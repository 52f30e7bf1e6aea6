package dev.torch4j.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads the subset of Python's pickle format that {@code torch.save} uses for state dicts: dicts, lists,
 * tuples, strings, numbers, booleans, None, and a fixed set of named callables (an ordered dict, tensor
 * rebuilding, storage types). Anything else is refused, so a hostile file cannot make it run or build
 * arbitrary things; every length is checked against the bytes actually present before anything is allocated.
 */
final class Unpickler {
    /** A Python global ({@code module.name}) that the caller allowed. */
    record Global(String module, String name) {
        @Override public String toString() {
            return module + "." + name;
        }
    }

    /** A callable the caller allowed, applied to its argument tuple by REDUCE. */
    interface Callable {
        Object call(List<Object> args);
    }

    // Opcodes of the state-dict subset, named as in Python's pickle module (MARK_OP: MARK is the stack marker below).
    private static final int PROTO = 0x80;
    private static final int FRAME = 0x95;
    private static final int STOP = '.';
    private static final int MARK_OP = '(';
    private static final int EMPTY_TUPLE = ')';
    private static final int EMPTY_LIST = ']';
    private static final int EMPTY_DICT = '}';
    private static final int TUPLE = 't';
    private static final int TUPLE1 = 0x85;
    private static final int TUPLE2 = 0x86;
    private static final int TUPLE3 = 0x87;
    private static final int NONE = 'N';
    private static final int NEWTRUE = 0x88;
    private static final int NEWFALSE = 0x89;
    private static final int BININT1 = 'K';
    private static final int BININT2 = 'M';
    private static final int BININT = 'J';
    private static final int LONG1 = 0x8a;
    private static final int BINFLOAT = 'G';
    private static final int BINUNICODE = 'X';
    private static final int SHORT_BINUNICODE = 0x8c;
    private static final int GLOBAL = 'c';
    private static final int BINPUT = 'q';
    private static final int LONG_BINPUT = 'r';
    private static final int MEMOIZE = 0x94;
    private static final int BINGET = 'h';
    private static final int LONG_BINGET = 'j';
    private static final int BINPERSID = 'Q';
    private static final int REDUCE = 'R';
    private static final int BUILD = 'b';
    private static final int SETITEM = 's';
    private static final int SETITEMS = 'u';
    private static final int APPEND = 'a';
    private static final int APPENDS = 'e';

    private static final Object MARK = new Object();
    private static final int MAX_MEMO = 10_000_000, MAX_STACK = 1_000_000;

    private final ByteBuffer in;
    private final String source;
    private final Function<Global, Object> globals;
    private final Function<List<Object>, Object> persistentLoad;
    private final List<Object> stack = new ArrayList<>();
    private final Map<Long, Object> memo = new LinkedHashMap<>();

    /**
     * @param globals        resolves an allowed global to a {@link Callable} or a marker object; null refuses it
     * @param persistentLoad turns a persistent id (torch's storage tuple) into an object
     */
    Unpickler(ByteBuffer in, String source, Function<Global, Object> globals, Function<List<Object>, Object> persistentLoad) {
        this.in = in.order(ByteOrder.LITTLE_ENDIAN);
        this.source = source;
        this.globals = globals;
        this.persistentLoad = persistentLoad;
    }

    /** Reads one pickle (up to its STOP) and returns its value; the buffer is left just after it. */
    Object load() {
        try {
            return run();
        } catch (java.nio.BufferUnderflowException e) {
            throw bad(in.position(), "file ends inside the pickle (truncated?)");
        }
    }

    private Object run() {
        while (true) {
            int at = in.position();
            int op = u8();
            switch (op) {
                case PROTO: u8(); break; // PROTO n
                case FRAME: bytes(8); break; // FRAME: framing only
                case STOP: return finish(at);
                case MARK_OP: push(MARK); break;
                case EMPTY_TUPLE: push(List.of()); break;
                case EMPTY_LIST: push(new ArrayList<>()); break;
                case EMPTY_DICT: push(new LinkedHashMap<>()); break;
                case TUPLE: push(List.copyOf(popToMark())); break;
                case TUPLE1: push(tupleOf(1)); break;
                case TUPLE2: push(tupleOf(2)); break;
                case TUPLE3: push(tupleOf(3)); break;
                case NONE: push(None.NONE); break;
                case NEWTRUE: push(Boolean.TRUE); break;
                case NEWFALSE: push(Boolean.FALSE); break;
                case BININT1: push((long) u8()); break;
                case BININT2: push((long) (in.getShort() & 0xffff)); break;
                case BININT: push((long) in.getInt()); break;
                case LONG1: push(long1(u8(), at)); break;
                case BINFLOAT: push(in.order(ByteOrder.BIG_ENDIAN).getDouble()); in.order(ByteOrder.LITTLE_ENDIAN); break;
                case BINUNICODE: push(utf8(length(in.getInt() & 0xffffffffL, at))); break;
                case SHORT_BINUNICODE: push(utf8(u8())); break;
                case GLOBAL: push(global(at)); break;
                case BINPUT: memoPut(u8(), at); break;
                case LONG_BINPUT: memoPut(in.getInt() & 0xffffffffL, at); break;
                case MEMOIZE: memoPut(memo.size(), at); break;
                case BINGET: push(memoGet(u8(), at)); break;
                case LONG_BINGET: push(memoGet(in.getInt() & 0xffffffffL, at)); break;
                case BINPERSID: push(persistent(pop(), at)); break;
                case REDUCE: reduce(at); break;
                case BUILD: build(at); break;
                case SETITEM: { Object v = pop(), k = pop(); setItems(List.of(k, v), at); break; }
                case SETITEMS: setItems(popToMark(), at); break;
                case APPEND: append(List.of(pop()), at); break;
                case APPENDS: append(popToMark(), at); break;
                default:
                    throw bad(at, String.format("opcode 0x%02x ('%s') is outside the state-dict subset torch4j reads", op,
                            op >= 32 && op < 127 ? String.valueOf((char) op) : "?"));
            }
            if (stack.size() > MAX_STACK) throw bad(at, "more than " + MAX_STACK + " values on the stack");
        }
    }

    /** Python's None. */
    enum None { NONE }

    private Object finish(int at) {
        if (stack.size() != 1) throw bad(at, "STOP with " + stack.size() + " values on the stack, expected 1");
        return stack.remove(0);
    }

    private int u8() {
        return in.get() & 0xff;
    }

    private byte[] bytes(int n) {
        if (n > in.remaining()) throw bad(in.position(), "needs " + n + " bytes, " + in.remaining() + " left");
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    private int length(long n, int at) {
        if (n > in.remaining()) throw bad(at, "a string of " + n + " bytes, only " + in.remaining() + " left");
        return (int) n;
    }

    private String utf8(int n) {
        return new String(bytes(n), StandardCharsets.UTF_8);
    }

    /** Little-endian two's complement; a Long when it fits (all a state dict has), else a BigInteger. */
    private Object long1(int n, int at) {
        byte[] b = bytes(n);
        if (n > 8) {
            byte[] big = new byte[n];
            for (int i = 0; i < n; i++) big[i] = b[n - 1 - i];
            return new java.math.BigInteger(big);
        }
        long v = 0;
        for (int i = n - 1; i >= 0; i--) v = (v << 8) | (b[i] & 0xff);
        if (n > 0 && n < 8 && (b[n - 1] & 0x80) != 0) v -= 1L << (8 * n); // two's complement sign
        return v;
    }

    private Object global(int at) {
        Global g = new Global(line(at), line(at));
        Object resolved = globals.apply(g);
        if (resolved == null) {
            throw bad(at, "refers to " + g + ", which is not part of a state dict (torch4j reads tensors in dicts, nothing"
                    + " else, and never runs code from a file)");
        }
        return resolved;
    }

    private String line(int at) {
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (!in.hasRemaining()) throw bad(at, "file ends inside the pickle (truncated?)");
            if (sb.length() > 200) throw bad(at, "a GLOBAL name longer than 200 characters");
            char c = (char) u8();
            if (c == '\n') return sb.toString();
            sb.append(c);
        }
    }

    private void memoPut(long key, int at) {
        if (stack.isEmpty()) throw bad(at, "memo store with an empty stack");
        if (memo.size() >= MAX_MEMO) throw bad(at, "more than " + MAX_MEMO + " memo entries");
        memo.put(key, stack.get(stack.size() - 1));
    }

    private Object memoGet(long key, int at) {
        Object v = memo.get(key);
        if (v == null) throw bad(at, "memo entry " + key + " read before it was written");
        return v;
    }

    private Object persistent(Object pid, int at) {
        if (!(pid instanceof List)) throw bad(at, "a persistent id that is not a tuple: " + describe(pid));
        @SuppressWarnings("unchecked") List<Object> id = (List<Object>) pid;
        return persistentLoad.apply(id);
    }

    private void reduce(int at) {
        Object args = pop(), f = pop();
        if (!(f instanceof Callable)) throw bad(at, "calls " + describe(f) + ", which is not callable here");
        if (!(args instanceof List)) throw bad(at, "call arguments are not a tuple: " + describe(args));
        @SuppressWarnings("unchecked") List<Object> a = (List<Object>) args;
        try {
            push(((Callable) f).call(a));
        } catch (StateDictException e) {
            throw e;
        } catch (RuntimeException e) {
            throw bad(at, "bad arguments " + describe(a) + " for " + f + ": " + e.getMessage());
        }
    }

    private void build(int at) {
        Object state = pop();
        Object target = peek(at);
        // torch's OrderedDict carries _metadata (per-module versions) as its __dict__: nothing to restore for us
        if (target instanceof Map && state instanceof Map) return;
        throw bad(at, "sets state " + describe(state) + " on " + describe(target) + ", which a state dict never does");
    }

    @SuppressWarnings("unchecked")
    private void setItems(List<Object> keysAndValues, int at) {
        if (keysAndValues.size() % 2 != 0) throw bad(at, "sets " + keysAndValues.size() + " items, not key/value pairs");
        Object target = peek(at);
        if (!(target instanceof Map)) throw bad(at, "sets items on " + describe(target) + ", not a dict");
        for (int i = 0; i < keysAndValues.size(); i += 2) {
            ((Map<Object, Object>) target).put(key(keysAndValues.get(i), at), keysAndValues.get(i + 1));
        }
    }

    private Object key(Object k, int at) {
        if (k instanceof String || k instanceof Long) return k;
        throw bad(at, "a dict key that is neither a string nor an integer: " + describe(k));
    }

    @SuppressWarnings("unchecked")
    private void append(List<Object> values, int at) {
        Object target = peek(at);
        if (!(target instanceof ArrayList)) throw bad(at, "appends to " + describe(target) + ", not a list");
        ((List<Object>) target).addAll(values);
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() {
        if (stack.isEmpty()) throw bad(in.position() - 1, "reads from an empty stack");
        Object o = stack.remove(stack.size() - 1);
        if (o == MARK) throw bad(in.position() - 1, "reads a MARK as a value");
        return o;
    }

    private Object peek(int at) {
        if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) throw bad(at, "has no object to update");
        return stack.get(stack.size() - 1);
    }

    private List<Object> tupleOf(int n) {
        Object[] items = new Object[n];
        for (int i = n - 1; i >= 0; i--) items[i] = pop();
        return List.of(items);
    }

    private List<Object> popToMark() {
        int m = stack.lastIndexOf(MARK);
        if (m < 0) throw bad(in.position() - 1, "no MARK to collect items from");
        List<Object> items = new ArrayList<>(stack.subList(m + 1, stack.size()));
        stack.subList(m, stack.size()).clear();
        return items;
    }

    static String describe(Object o) {
        if (o == null) return "nothing";
        String s = o instanceof String ? "'" + o + "'" : String.valueOf(o);
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    private StateDictException bad(int at, String reason) {
        return new StateDictException("cannot read " + source + ": pickle byte " + at + " " + reason);
    }
}
