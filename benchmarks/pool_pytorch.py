# PyTorch 1.13's side of benchmarks/PoolProbe.java: its pooling kernels on contiguous and channels-last input, 2 threads.
#   /usr/bin/python3 benchmarks/pool_pytorch.py
import time, torch
torch.set_num_threads(2)
def tm(f, n=200):
    for _ in range(20): f()
    ts = []
    for _ in range(n):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    ts.sort(); return ts[n // 2] * 1e3
print("shape | max fwd: NCHW, NHWC | max fwd+bwd | avg fwd+bwd (ms)")
for sh in [(100, 16, 28, 28), (100, 32, 14, 14), (100, 16, 24, 24), (100, 32, 8, 8), (64, 32, 26, 26), (64, 64, 11, 11)]:
    x = torch.relu(torch.randn(sh)).requires_grad_(True)
    xcl = x.detach().contiguous(memory_format=torch.channels_last)
    g = torch.randn(sh[0], sh[1], sh[2] // 2, sh[3] // 2)
    with torch.no_grad():
        f = tm(lambda: torch.nn.functional.max_pool2d(x, 2)); fcl = tm(lambda: torch.nn.functional.max_pool2d(xcl, 2))
    fb = tm(lambda: (torch.nn.functional.max_pool2d(x, 2) * g).sum().backward())
    ab = tm(lambda: (torch.nn.functional.avg_pool2d(x, 2) * g).sum().backward())
    print(f"{list(sh)} | {f:.3f} {fcl:.3f} | {fb:.3f} | {ab:.3f}")
