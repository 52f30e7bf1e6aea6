package dev.torch4j.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.torch4j.nn.Module;
import dev.torch4j.optim.Optimizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Saving and restoring a training run between epochs (see {@link Trainer#snapshotEvery}). */
final class Snapshots {
    private Snapshots() {}

    static void save(Path dir, Module model, Optimizer optimizer, History history) {
        model.save(dir.resolve("model.safetensors"));
        optimizer.save(dir.resolve("optimizer.safetensors"));
        Path json = dir.resolve("history.json"), tmp = dir.resolve(".history.json.tmp");
        history.writeJson(tmp);
        try {
            Files.move(tmp, json, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + json + ": " + e.getMessage(), e);
        }
    }

    /** Restores weights, optimizer state and history; returns the number of finished epochs. */
    static int restore(Path dir, Module model, Optimizer optimizer, History history) {
        Path json = dir.resolve("history.json");
        if (!Files.isRegularFile(json)) throw new IllegalArgumentException("no training snapshot in " + dir + " (history.json is missing)");
        model.load(dir.resolve("model.safetensors"));
        optimizer.load(dir.resolve("optimizer.safetensors"));
        try {
            JsonArray rows = JsonParser.parseString(Files.readString(json)).getAsJsonArray();
            for (JsonElement e : rows) {
                JsonObject o = e.getAsJsonObject();
                history.add(new EpochResult(o.get("epoch").getAsInt(), o.get("train_loss").getAsDouble(), o.get("train_acc").getAsDouble(),
                        o.has("val_loss") ? o.get("val_loss").getAsDouble() : Double.NaN,
                        o.has("val_acc") ? o.get("val_acc").getAsDouble() : Double.NaN,
                        o.get("lr").getAsDouble(), o.get("seconds").getAsDouble()));
            }
            return rows.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + json + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("training snapshot " + json + " is damaged: " + e.getMessage(), e);
        }
    }
}
