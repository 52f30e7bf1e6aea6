"""PyTorch 1.13's side of benchmarks/RealVsRandomProbe.java: a fixed batch of real Fashion-MNIST images against a fixed
batch of N(0, 1) noise with random labels, alternating, SGD (lr 0.01) or Adam (lr 1e-3), 2 threads, median of 150 steps after 20, fresh model each.
Usage: cd ../shared/reference && /usr/bin/python3 ../../main/benchmarks/real_vs_random_pytorch.py MODEL BATCH none|mnist|data sgd|adam [ROUNDS]"""
import statistics, sys, time
import torch
import torch.nn.functional as F
sys.path.insert(0, ".")  # ../shared/reference
from seed_models import MODELS
from recipes_fmnist import idx

name, batch, norm = sys.argv[1], int(sys.argv[2]), sys.argv[3]
opt_name = sys.argv[4]
rounds = int(sys.argv[5]) if len(sys.argv) > 5 else 3
torch.set_num_threads(2)
torch.manual_seed(0)
xtr = torch.tensor(idx("train-images-idx3-ubyte.gz"), dtype=torch.float32).unsqueeze(1) / 255
ytr = torch.tensor(idx("train-labels-idx1-ubyte.gz"), dtype=torch.long)
m, s = {"none": (0.0, 1.0), "mnist": (0.1307, 0.3081), "data": (xtr.mean().item(), xtr.std().item())}[norm]
real, real_y = ((xtr[:batch] - m) / s).clone(), ytr[:batch].clone()
noise, noise_y = torch.randn(batch, 1, 28, 28), torch.randint(0, 10, (batch,))
for r in range(1, rounds + 1):
    for kind in ("real", "random"):
        x, y = (real, real_y) if kind == "real" else (noise, noise_y)
        model = MODELS[name][0]()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3) if opt_name == "adam" else torch.optim.SGD(model.parameters(), lr=0.01)
        t = []
        for i in range(170):
            t0 = time.perf_counter()
            opt.zero_grad()
            F.cross_entropy(model(x), y).backward()
            opt.step()
            if i >= 20:
                t.append((time.perf_counter() - t0) * 1000)
        print(f"round {r} {name} batch {batch} {kind} {opt_name}: median {statistics.median(t):.2f} ms/step")
