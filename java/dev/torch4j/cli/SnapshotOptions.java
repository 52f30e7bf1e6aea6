package dev.torch4j.cli;

import dev.torch4j.train.Snapshot;
import dev.torch4j.train.Trainer;

import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * {@code train}'s {@code --snapshots DIR}, {@code --snapshot-every N} and {@code --resume DIR}. Snapshots carry the
 * command's options, so {@code --resume DIR} alone continues the run with them.
 */
record SnapshotOptions(Path dir, long everySteps, boolean resume, Map<String, String> options) {
    static final String TAG = "cli.args";
    /** Options a resumed run may change: train longer, write elsewhere. */
    private static final Set<String> MAY_DIFFER = Set.of("epochs", "out");
    private static final Type MAP = new com.google.gson.reflect.TypeToken<Map<String, String>>() {}.getType();

    /** Reads the options (and, with --resume, merges the run's own options into {@code a}). */
    static SnapshotOptions read(Args a) {
        String resume = a.get("resume", null);
        if (resume != null) {
            Path dir = Path.of(resume);
            if (a.get("snapshots", null) != null) throw new UsageException("train: --resume DIR writes its snapshots into DIR; leave out --snapshots");
            Snapshot snap = Snapshot.latest(dir).orElseThrow(() -> new UsageException("train: --resume " + dir + ": "
                    + (Files.isDirectory(dir) ? "no snapshot-*.safetensors file there" : "no such directory")));
            String saved = snap.tags().get(TAG);
            if (saved == null) throw new UsageException("train: --resume " + dir + ": the snapshot was not written by the train command (no " + TAG + " tag)");
            a.resumeWith(new com.google.gson.Gson().fromJson(saved, MAP), MAY_DIFFER, dir.toString());
        }
        String dir = resume != null ? resume : a.get("snapshots", null);
        String every = a.get("snapshot-every", null);
        long n = 0;
        if (every != null) {
            if (dir == null) throw new UsageException("train: --snapshot-every needs --snapshots DIR");
            try {
                n = Long.parseLong(every);
                if (n < 1) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                throw new UsageException("train: --snapshot-every must be a positive number of steps, got '" + every + "'");
            }
        }
        Map<String, String> options = a.given();
        options.remove("resume");
        if (resume != null) options.put("snapshots", resume);
        return new SnapshotOptions(dir == null ? null : Path.of(dir), n, resume != null, options);
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
