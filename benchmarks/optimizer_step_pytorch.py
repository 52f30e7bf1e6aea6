"""PyTorch 1.13's side of benchmarks/OptimizerStepProbe.java: the optimizer step alone, 2 threads, median of 300 after 30.
Usage: cd ../shared/reference && /usr/bin/python3 ../../main/benchmarks/optimizer_step_pytorch.py MODEL [ROUNDS]"""
import statistics, sys, time
import torch
sys.path.insert(0, ".")  # run from ../shared/reference, where seed_models.py lives
import torch.nn.functional as F
from seed_models import MODELS

torch.set_num_threads(2)
name = sys.argv[1]
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 2
model = MODELS[name][0]()
F.cross_entropy(model(torch.randn(8, 1, 28, 28)), torch.zeros(8, dtype=torch.long)).backward()
params = [p for p in model.parameters() if p.requires_grad]
kinds = {"adam": lambda: torch.optim.Adam(params, lr=1e-3), "sgd": lambda: torch.optim.SGD(params, lr=1e-3),
         "sgd-momentum": lambda: torch.optim.SGD(params, lr=1e-3, momentum=0.9)}
for r in range(1, rounds + 1):
    for k, make in kinds.items():
        o, t = make(), []
        for i in range(330):
            t0 = time.perf_counter()
            o.step()
            if i >= 30:
                t.append((time.perf_counter() - t0) * 1000)
        print(f"round {r} {name} {k} ({sum(p.numel() for p in params)} parameters in {len(params)} tensors): "
              f"median {statistics.median(t):.3f} ms/step")
