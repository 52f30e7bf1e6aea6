# PyTorch's side of benchmarks/InferenceFormats.java. Usage: /usr/bin/python3 benchmarks/inference_formats.py MODEL BATCH REPEATS ROUNDS
import statistics, sys, time
import torch, torchvision
name, batch, repeats, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
torch.set_num_threads(2)
for r in range(rounds):
    for last in (False, True):
        torch.manual_seed(0)
        m = getattr(torchvision.models, name)().eval()
        x = torch.randn(batch, 3, 224, 224)
        if last:
            m = m.to(memory_format=torch.channels_last)
            x = x.contiguous(memory_format=torch.channels_last)
        t = []
        with torch.no_grad():
            for i in range(repeats + 1):
                t0 = time.perf_counter(); m(x); d = time.perf_counter() - t0
                if i >= 1: t.append(d)
        print(f"round {r} pytorch {name} batch {batch} {'channels_last' if last else 'contiguous'}: {batch / statistics.median(t):.1f} images/s", flush=True)
