package dev.torch4j.train;

import dev.torch4j.nn.Layer;

import java.nio.file.Path;

/**
 * Rewrites the run's history as CSV and/or JSON after every epoch (atomically), so an interrupted run keeps its
 * log; a resumed run writes the rows from before the snapshot too.
 */
public final class HistoryWriter implements Callback {
    /** Rank 0 only in a data-parallel run. */
    @Override public boolean mainProcessOnly() {
        return true;
    }

    private final Path csv, json;
    private History history;

    private HistoryWriter(Path csv, Path json) {
        this.csv = csv;
        this.json = json;
    }

    public static HistoryWriter csv(Path file) {
        return new HistoryWriter(file, null);
    }

    public static HistoryWriter json(Path file) {
        return new HistoryWriter(null, file);
    }

    public static HistoryWriter both(Path csvFile, Path jsonFile) {
        return new HistoryWriter(csvFile, jsonFile);
    }

    @Override public void onFitStart(FitContext fit) {
        history = fit.history();
    }

    @Override public boolean onEpochEnd(EpochResult result, Layer model) {
        if (history == null) { // used outside a Trainer: keep a history of our own
            history = new History();
        }
        if (history.epochs().isEmpty() || history.last() != result) history.add(result);
        if (csv != null) history.writeCsv(csv);
        if (json != null) history.writeJson(json);
        return false;
    }
}
