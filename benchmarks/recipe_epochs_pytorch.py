"""PyTorch 1.13's side of benchmarks/lockstep.py: the training loop of ../shared/reference/recipes_fmnist.py (its
recipes, data and model code, imported), printing one line per finished epoch so that a driver can time each epoch
from outside. Usage: THREADS=2 /usr/bin/python3 benchmarks/recipe_epochs_pytorch.py RECIPE EPOCHS"""
import os, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "reference"))
import torch
import torch.nn.functional as F
from recipes_fmnist import RECIPES, idx
from seed_models import MODELS

name, epochs = sys.argv[1], int(sys.argv[2])
make_opt, _, batch, norm, shuffle = RECIPES[name]
torch.set_num_threads(int(os.environ.get("THREADS", "2")))
xtr = torch.tensor(idx("train-images-idx3-ubyte.gz"), dtype=torch.float32).unsqueeze(1) / 255
ytr = torch.tensor(idx("train-labels-idx1-ubyte.gz"), dtype=torch.long)
# The test images are loaded (and normalised) as the reference does, though no test runs here: without them, the
# epochs take ~1.45x as long (s1-c: 7.0-8.0 s against 4.9-5.3 s) and page-fault 4.8x as often (1,312,254 against
# 275,015 in one epoch). Freeing their 31 MB intermediate changes glibc's dynamic thresholds, which decide whether
# each step's tensors come back from the heap or from fresh mappings (not traced further).
xte = torch.tensor(idx("t10k-images-idx3-ubyte.gz"), dtype=torch.float32).unsqueeze(1) / 255
if norm == "fixed":
    m, s = 0.1307, 0.3081
elif norm == "data":
    m, s = xtr.mean().item(), xtr.std().item()
else:
    m, s = 0.0, 1.0
xtr, xte = (xtr - m) / s, (xte - m) / s
torch.manual_seed(42)
model = MODELS[name][0]()
opt = make_opt(model.parameters())
print("ready", flush=True)
for e in range(epochs):
    te = time.perf_counter()
    model.train()
    order = torch.randperm(len(xtr)) if shuffle else torch.arange(len(xtr))
    for i in range(0, len(xtr), batch):
        j = order[i:i + batch]
        loss = F.cross_entropy(model(xtr[j]), ytr[j])
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"epoch {e + 1}/{epochs} {time.perf_counter() - te:.3f}s loss {loss.item():.4f}", flush=True)
