// Where a data-parallel step's time goes, per rank. Run under launch (or alone: a group of one):
//   java -jar target/torch4j.jar launch --nproc-per-node 2 -- java -cp 'target/classes:target/lib/*' benchmarks/DdpStepProbe.java MODEL BATCH STEPS
// Times, interleaved per round, the median ms of: (a) a local step (no communication), (b) a DataParallel step,
// (c) one allreduce of a tensor the size of the model's gradients.
import dev.torch4j.distributed.*;
import dev.torch4j.nn.*;
import dev.torch4j.optim.*;
import dev.torch4j.recipes.*;
import dev.torch4j.tensor.*;
import dev.torch4j.train.*;

import java.util.Arrays;

public class DdpStepProbe {
    public static void main(String[] a) throws Exception {
        String model = a[0];
        int batch = Integer.parseInt(a[1]), steps = Integer.parseInt(a[2]);
        try (ProcessGroup g = Rendezvous.inEnvironment() ? ProcessGroup.init() : ProcessGroup.join(Rendezvous.of("127.0.0.1", 1, 0, 1))) {
            Layer m = SeedModels.get(model).factory().get();
            long[] shape = SeedModels.get(model).inputShape().clone();
            shape[0] = batch;
            Optimizer opt = Sgd.of(0.01).on(m);
            CrossEntropyLoss ce = Loss.crossEntropy();
            DataParallel ddp = DataParallel.of(m, g).start();
            Tensor x = Tensor.randn(shape), y = Tensor.zeros(DType.INT64, batch);
            long params = m.trainableParameterCount();
            Tensor flat = Tensor.zeros(params);
            for (int round = 0; round < 3; round++) {
                double[] local = new double[steps], parallel = new double[steps], reduce = new double[steps];
                try (AutoCloseable pause = ddp.noSync()) {
                    for (int i = 0; i < steps; i++) local[i] = step(m, ddp, opt, ce, x, y, false);
                }
                for (int i = 0; i < steps; i++) parallel[i] = step(m, ddp, opt, ce, x, y, true);
                for (int i = 0; i < steps; i++) {
                    long t0 = System.nanoTime();
                    g.allReduce_(flat);
                    reduce[i] = (System.nanoTime() - t0) / 1e6;
                }
                System.out.printf(java.util.Locale.ROOT, "rank %d round %d %s batch %d threads %d: local %.2f ms, data-parallel %.2f ms, allreduce of %d floats %.2f ms%n",
                        g.rank(), round, model, batch, Torch.threads(), median(local), median(parallel), params, median(reduce));
            }
            ddp.close();
        }
    }

    static double step(Layer m, DataParallel ddp, Optimizer opt, CrossEntropyLoss ce, Tensor x, Tensor y, boolean sync) {
        long t0 = System.nanoTime();
        try (Scope s = Scope.open()) {
            opt.zeroGrad();
            Tensor out = sync ? ddp.call(x) : m.call(x);
            ce.compute(out, y).backward();
            opt.step();
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
