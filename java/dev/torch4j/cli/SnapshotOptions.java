package dev.torch4j.cli;

import dev.torch4j.train.Snapshot;
import dev.torch4j.train.Trainer;
import picocli.CommandLine;

import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code train}'s {@code --snapshots DIR}, {@code --snapshot-every N} and {@code --resume DIR}. Snapshots carry the
 * options the command was given, so {@code --resume DIR} alone continues the run with them.
 */
record SnapshotOptions(Path dir, long everySteps, boolean resume, Map<String, String> options) {
    static final String TAG = "cli.args";
    /** Options a resumed run may change: train longer, write elsewhere. */
    private static final Set<String> MAY_DIFFER = Set.of("epochs", "out");
    private static final Type MAP = new com.google.gson.reflect.TypeToken<Map<String, String>>() {}.getType();

    /**
     * The options to run with: those given, or with {@code --resume DIR} the options of the run being resumed with the
     * ones given now on top (only {@code --epochs} and {@code --out} may differ; another difference is an error).
     */
    static TrainCommand resolve(TrainCommand given) {
        if (given.resume == null) return given;
        Path dir = given.resume;
        if (given.snapshots != null) throw new UsageException("train: --resume DIR writes its snapshots into DIR; leave out --snapshots");
        Snapshot snap = Snapshot.latest(dir).orElseThrow(() -> new UsageException("train: --resume " + dir + ": "
                + (Files.isDirectory(dir) ? "no snapshot-*.safetensors file there" : "no such directory")));
        String saved = snap.tags().get(TAG);
        if (saved == null) throw new UsageException("train: --resume " + dir + ": the snapshot was not written by the train command (no " + TAG + " tag)");
        Map<String, String> merged = new TreeMap<>(new com.google.gson.Gson().<Map<String, String>>fromJson(saved, MAP));
        for (Map.Entry<String, String> e : given.given().entrySet()) {
            String was = merged.get(e.getKey());
            if (e.getKey().equals("resume")) continue;
            if (was != null && !was.equals(e.getValue()) && !MAY_DIFFER.contains(e.getKey())) {
                throw new UsageException("train: --" + e.getKey() + " " + e.getValue() + " contradicts the run in " + dir
                        + ", started with --" + e.getKey() + " " + was + "; leave it out to continue that run");
            }
            merged.put(e.getKey(), e.getValue());
        }
        merged.remove("snapshots");
        merged.remove("resume");
        TrainCommand resolved = new TrainCommand();
        CommandLine cli = new CommandLine(resolved);
        List<String> argv = new ArrayList<>();
        for (Map.Entry<String, String> e : merged.entrySet()) {
            CommandLine.Model.OptionSpec o = cli.getCommandSpec().findOption("--" + e.getKey());
            if (o == null) throw new UsageException("train: --resume " + dir + ": the run was started with --" + e.getKey() + ", which this version does not know");
            if (o.arity().max() == 0) {
                if (Boolean.parseBoolean(e.getValue())) argv.add("--" + e.getKey());
            } else {
                argv.add("--" + e.getKey());
                argv.add(e.getValue());
            }
        }
        argv.add("--resume");
        argv.add(dir.toString());
        cli.parseArgs(argv.toArray(new String[0]));
        resolved.main = given.main;
        return resolved;
    }

    /** The snapshot settings of (resolved) options. */
    static SnapshotOptions of(TrainCommand o) {
        Path dir = o.resume != null ? o.resume : o.snapshots;
        long n = 0;
        if (o.snapshotEvery != null) {
            if (dir == null) throw new UsageException("train: --snapshot-every needs --snapshots DIR");
            if (o.snapshotEvery < 1) throw new UsageException("train: --snapshot-every must be a positive number of steps, got " + o.snapshotEvery);
            n = o.snapshotEvery;
        }
        Map<String, String> options = o.given();
        options.remove("resume");
        if (o.resume != null) options.put("snapshots", o.resume.toString());
        return new SnapshotOptions(dir, n, o.resume != null, options);
    }

    /** Records an option's value in force (a default the user did not give), so a resumed run is checked against it. */
    SnapshotOptions inForce(String key, Object value) {
        options.putIfAbsent(key, String.valueOf(value));
        return this;
    }

    void applyTo(Trainer trainer) {
        if (dir == null) return;
        trainer.snapshots(dir, everySteps).tag(TAG, new com.google.gson.Gson().toJson(options));
        if (resume) trainer.resumeFrom(dir);
    }
}
