package dev.torch4j.train;

/** One epoch's figures; validation figures are NaN when there was no validation set. */
public record EpochResult(int epoch, double trainLoss, double trainAccuracy, double validLoss, double validAccuracy,
                          double lr, double seconds) {

    /** A figure by name: train_loss, train_acc, val_loss, val_acc, lr, seconds. */
    public double get(String metric) {
        switch (metric) {
            case "epoch": return epoch;
            case "train_loss": return trainLoss;
            case "train_acc": return trainAccuracy;
            case "val_loss": return validLoss;
            case "val_acc": return validAccuracy;
            case "lr": return lr;
            case "seconds": return seconds;
            default: throw new IllegalArgumentException("unknown metric '" + metric + "'; known: train_loss, train_acc, val_loss, val_acc, lr, seconds");
        }
    }
}
