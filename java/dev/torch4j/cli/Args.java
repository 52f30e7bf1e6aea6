package dev.torch4j.cli;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** {@code --name value} options of one command; unknown or valueless options are reported by name. */
final class Args {
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> used = new HashSet<>();
    private final String command;

    Args(String command, String[] argv, int from) {
        this.command = command;
        for (int i = from; i < argv.length; i++) {
            String a = argv[i];
            if (a.equals("--help") || a.equals("-h")) {
                values.put("help", "true");
                continue;
            }
            if (!a.startsWith("--")) throw new UsageException(command + ": unexpected argument '" + a + "'");
            String key = a.substring(2), value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else {
                if (i + 1 >= argv.length || argv[i + 1].startsWith("--")) throw new UsageException(command + ": option --" + key + " needs a value");
                value = argv[++i];
            }
            values.put(key, value);
        }
    }

    /** Every option given, as given (without --help). */
    Map<String, String> given() {
        Map<String, String> out = new java.util.TreeMap<>(values);
        out.remove("help");
        return out;
    }

    /**
     * Takes the options of the run being resumed: each saved option not given now is added; one given now with
     * another value is an error, except those in {@code mayDiffer} (e.g. more epochs).
     */
    void resumeWith(Map<String, String> saved, Set<String> mayDiffer, String where) {
        for (Map.Entry<String, String> e : saved.entrySet()) {
            String now = values.get(e.getKey());
            if (now == null) values.put(e.getKey(), e.getValue());
            else if (!now.equals(e.getValue()) && !mayDiffer.contains(e.getKey())) {
                throw new UsageException(command + ": --" + e.getKey() + " " + now + " contradicts the run in " + where
                        + ", started with --" + e.getKey() + " " + e.getValue() + "; leave it out to continue that run");
            }
        }
    }

    boolean help() {
        used.add("help");
        return values.containsKey("help");
    }

    String get(String key, String def) {
        used.add(key);
        return values.getOrDefault(key, def);
    }

    String require(String key) {
        String v = get(key, null);
        if (v == null) throw new UsageException(command + ": missing --" + key);
        return v;
    }

    int getInt(String key, int def) {
        String v = get(key, null);
        if (v == null) return def;
        try {
            int n = Integer.parseInt(v);
            if (n <= 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + key + " must be a positive integer, got '" + v + "'");
        }
    }

    long[] getShape(String key, long[] def) {
        String v = get(key, null);
        if (v == null) return def;
        String[] parts = v.split(",");
        long[] shape = new long[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                shape[i] = Long.parseLong(parts[i].trim());
                if (shape[i] <= 0) throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + key + " must be positive integers separated by commas (e.g. 1,1,28,28), got '" + v + "'");
        }
        return shape;
    }

    /** Fails on options the command did not ask for (typos). Call after reading all options. */
    void rejectUnknown() {
        for (String k : values.keySet()) {
            if (!used.contains(k)) throw new UsageException(command + ": unknown option --" + k);
        }
    }
}
