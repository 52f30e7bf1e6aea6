# PyTorch's side of benchmarks/ChannelsLastProbe.java: median training step, contiguous against channels_last,
# interleaved per round, 2 threads. Usage: /usr/bin/python3 benchmarks/bench_step_formats.py MODEL BATCH STEPS ROUNDS [IMAGE]
# (IMAGE: square input side instead of the model's own; WARMUP=n steps before timing, default 5)
import os, statistics, sys, time
import torch, torch.nn.functional as F
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared", "reference"))
from seed_models import MODELS

name, batch, steps, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
image = int(sys.argv[5]) if len(sys.argv) > 5 else None
warmup = int(os.environ.get("WARMUP", "5"))
torch.set_num_threads(2)
for r in range(rounds):
    for last in (False, True):
        torch.manual_seed(0)
        make, shape = MODELS[name]
        model = make()
        x = torch.randn(batch, *shape[1:2], *((image, image) if image else shape[2:]))
        if last:
            model = model.to(memory_format=torch.channels_last)
            x = x.contiguous(memory_format=torch.channels_last)
        opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.01)
        out = model(x[:1])
        y = torch.randint(0, max(out.shape[1], 2), (batch,))
        times = []
        for i in range(steps + warmup):
            t = time.perf_counter()
            logits = model(x)
            loss = F.cross_entropy(logits, y) if logits.shape[1] > 1 else F.binary_cross_entropy_with_logits(logits[:, 0], y.float())
            opt.zero_grad()
            loss.backward()
            opt.step()
            if i >= warmup:
                times.append(time.perf_counter() - t)
        print(f"round {r} pytorch {name} batch {batch}{f' image {image}' if image else ''} {'channels_last' if last else 'contiguous'}: median {statistics.median(times) * 1000:.2f} ms/step", flush=True)
