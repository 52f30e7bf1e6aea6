package dev.torch4j.train;

import dev.torch4j.distributed.ProcessGroup;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Device;
import dev.torch4j.tensor.Scope;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.tensor.Torch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sums of the loss and of every metric's totals over an epoch, kept on the training device: adding a batch costs a
 * few small device operations and no host synchronisation; {@link #values} reads them once.
 */
final class Accumulator implements AutoCloseable {
    private final Device device;
    private final List<Metric> metrics;
    private final Map<String, Tensor> sums = new LinkedHashMap<>(); // "loss" and each metric's name
    private long samples, measured;

    Accumulator(Device device, List<Metric> metrics) {
        this.device = device;
        this.metrics = metrics;
    }

    /** Adds one batch of {@code n} samples; metrics only when the step gave outputs. */
    void add(StepOutput o, long n) {
        try (Torch.NoGrad g = Torch.noGrad()) {
            sum("loss", o.loss().detach().to(DType.FLOAT64).mul(n).reshape(1));
            if (o.outputs() != null) {
                Tensor out = o.outputs().detach();
                for (Metric m : metrics) sum(m.name(), m.totals(out, o.targets()));
                measured += n;
            }
        }
        samples += n;
    }

    private void sum(String key, Tensor totals) {
        Tensor acc = sums.get(key);
        if (acc == null) {
            acc = Tensor.zeros(DType.FLOAT64, totals.shape()).to(device);
            acc.handle().retainReference(); // lives across the steps' scopes
            sums.put(key, acc);
        } else if (acc.numel() != totals.numel()) {
            throw new IllegalStateException("metric '" + key + "' gave " + totals.numel() + " totals for this batch and " + acc.numel() + " before");
        }
        acc.add_(totals.reshape(acc.shape()));
    }

    /** The mean loss so far (one read from the device). */
    double meanLoss() {
        Tensor loss = sums.get("loss");
        if (loss == null || samples == 0) return Double.NaN;
        try (Scope s = Scope.open()) {
            return loss.to(Device.cpu()).item() / samples;
        }
    }

    long samples() {
        return samples;
    }

    /**
     * The mean loss and every metric, named {@code prefix + name} (NaN when nothing was added; metrics absent when
     * no step gave outputs): one read from the device.
     */
    Map<String, Double> values(String prefix) {
        Map<String, Double> out = new LinkedHashMap<>();
        try (Scope s = Scope.open()) {
            Tensor loss = sums.get("loss");
            out.put(prefix + "loss", loss == null || samples == 0 ? Double.NaN : loss.to(Device.cpu()).item() / samples);
            if (measured > 0) {
                for (Metric m : metrics) {
                    Tensor t = sums.get(m.name());
                    out.put(prefix + m.name(), t == null ? Double.NaN : m.value(t.to(Device.cpu()).toDoubleArray()));
                }
            }
        }
        return out;
    }

    /** The running sums, for a snapshot taken in the middle of an epoch (CPU copies). */
    Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : sums.entrySet()) out.put(e.getKey(), e.getValue().to(Device.cpu()));
        return out;
    }

    long measured() {
        return measured;
    }

    /** Puts back what {@link #state()} returned, with the sample counts. */
    void restore(Map<String, Tensor> state, long samples, long measured) {
        reset();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Tensor acc = e.getValue().to(DType.FLOAT64).to(device).clone();
            acc.handle().retainReference();
            sums.put(e.getKey(), acc);
        }
        this.samples = samples;
        this.measured = measured;
    }

    /**
     * Adds every rank's sums and counts into this accumulator's, in place: afterwards each rank holds the totals of
     * the whole run (one collective). Every rank must call it at the same point, with the same metrics added.
     */
    void sumOver(ProcessGroup group) {
        if (group == null || group.worldSize() == 1) return;
        try (Scope s = Scope.open()) {
            java.util.List<Tensor> parts = new java.util.ArrayList<>();
            for (Tensor t : sums.values()) parts.add(t.reshape(-1));
            parts.add(Tensor.of(new double[] {samples, measured}, 2).to(device));
            Tensor flat = Tensor.cat(parts, 0).contiguous();
            group.allReduce_(flat);
            long at = 0;
            for (Tensor t : sums.values()) {
                long n = t.numel();
                t.copy_(flat.narrow(0, at, n).reshape(t.shape()));
                at += n;
            }
            double[] counts = flat.narrow(0, at, 2).to(Device.cpu()).toDoubleArray();
            samples = (long) counts[0];
            measured = (long) counts[1];
        }
    }

    /** A copy holding the totals over all ranks, this one unchanged (for a snapshot taken inside an epoch). */
    Accumulator summedCopy(ProcessGroup group) {
        Accumulator c = new Accumulator(device, metrics);
        c.restore(state(), samples, measured);
        c.sumOver(group);
        return c;
    }

    void reset() {
        for (Tensor t : sums.values()) t.close();
        sums.clear();
        samples = measured = 0;
    }

    @Override public void close() {
        reset();
    }
}
