"""PyTorch 1.13's side of benchmarks/ConvImplProbe.java: forward+backward of one convolution layer (oneDNN by default,
and with torch.backends.mkldnn off), 2 threads, median of 100 calls after 10 (20 after 2 without mkldnn); ms per call.
Usage: /usr/bin/python3 benchmarks/conv_impl_pytorch.py [ROUNDS]"""
import statistics, sys, time
import torch

LAYERS = [  # model, batch, in, out, side, kernel, stride, padding (as in ConvImplProbe.java)
    ("s0-cnn", 512, 1, 4, 28, 3, 2, 1), ("s0-cnn", 512, 4, 8, 14, 3, 2, 1), ("s0-cnn", 512, 8, 16, 7, 3, 2, 1),
    ("s0-cnn", 512, 16, 32, 4, 3, 2, 1), ("s0-cnn", 512, 32, 64, 2, 3, 2, 1), ("s0-cnn", 512, 64, 10, 1, 3, 2, 1),
    ("s0-catdog", 32, 3, 6, 128, 3, 2, 1), ("s0-catdog", 32, 6, 12, 64, 3, 2, 1), ("s0-catdog", 32, 12, 24, 32, 3, 2, 1),
    ("s0-catdog", 32, 24, 48, 16, 3, 2, 1), ("s0-catdog", 32, 48, 96, 8, 3, 2, 1), ("s0-catdog", 32, 96, 192, 4, 3, 2, 1),
    ("s0-catdog", 32, 192, 384, 2, 3, 2, 1), ("s0-catdog", 32, 384, 2, 1, 3, 2, 1),
    ("s4", 128, 1, 32, 28, 3, 1, 1), ("s4", 128, 32, 16, 28, 3, 1, 1), ("s4", 128, 16, 8, 28, 3, 1, 1),
    ("s1-a", 100, 1, 16, 28, 5, 1, 2), ("s1-a", 100, 16, 32, 14, 5, 1, 2),
    ("s2", 64, 1, 32, 28, 3, 1, 0), ("s2", 64, 32, 64, 13, 3, 1, 0),
]


def tm(f, n=100, warm=10):
    for _ in range(warm):
        f()
    t = []
    for _ in range(n):
        t0 = time.perf_counter()
        f()
        t.append((time.perf_counter() - t0) * 1000)
    return statistics.median(t)


torch.set_num_threads(2)
rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 1
for r in range(1, rounds + 1):
    for name, b, ci, co, s, k, st, p in LAYERS:
        x = torch.randn(b, ci, s, s).requires_grad_(ci > 3)
        w = (torch.randn(co, ci, k, k) * 0.1).requires_grad_()
        bias = torch.randn(co).requires_grad_()
        f = lambda: torch.conv2d(x, w, bias, st, p).sum().backward()
        td = tm(f)
        with torch.backends.mkldnn.flags(enabled=False):
            tg = tm(f, 20, 2)  # libtorch's own path is slow: fewer calls
        print(f"round {r} {name:9s} b{b:<3d} {ci:3d}->{co:<3d} {s:3d}x{s:<3d} k{k} s{st}: onednn {td:7.3f}  no-mkldnn {tg:7.3f}")
