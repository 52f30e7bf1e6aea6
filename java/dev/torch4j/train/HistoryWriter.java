package dev.torch4j.train;

import dev.torch4j.nn.Module;

import java.nio.file.Path;

/** Rewrites the history as CSV and/or JSON after every epoch, so an interrupted run keeps its log. */
public final class HistoryWriter implements Callback {
    private final Path csv, json;
    private final History history = new History();

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

    @Override public boolean onEpochEnd(EpochResult result, Module model) {
        history.add(result);
        if (csv != null) history.writeCsv(csv);
        if (json != null) history.writeJson(json);
        return false;
    }
}
