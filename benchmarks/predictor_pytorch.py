"""PyTorch's side of benchmarks/PredictorBench.java: CLIENTS threads each send single 3x224x224 images to a ResNet18
(random weights, eval) for SECONDS, one request after another, under torch.inference_mode, 2 intra-op threads.
Usage: /usr/bin/python3 benchmarks/predictor_pytorch.py SECONDS [CLIENTS]"""
import sys, threading, time
import torch, torchvision

seconds = float(sys.argv[1])
clients = int(sys.argv[2]) if len(sys.argv) > 2 else 8
torch.set_num_threads(2)
model = torchvision.models.resnet18().eval()
with torch.inference_mode():
    for _ in range(3):
        model(torch.randn(1, 3, 224, 224))
lat, lock = [], threading.Lock()
end = time.perf_counter() + seconds


def client():
    while time.perf_counter() < end:
        x = torch.randn(1, 3, 224, 224)
        t0 = time.perf_counter()
        with torch.inference_mode():
            int(model(x).argmax(1))
        with lock:
            lat.append((time.perf_counter() - t0) * 1000)


start = time.perf_counter()
ts = [threading.Thread(target=client) for _ in range(clients)]
for t in ts:
    t.start()
for t in ts:
    t.join()
elapsed = time.perf_counter() - start
lat.sort()
print(f"pytorch {torch.__version__} clients {clients}: {len(lat)} requests in {elapsed:.1f} s, {len(lat) / elapsed:.2f} req/s, "
      f"p50 {lat[len(lat) // 2]:.0f} ms, p99 {lat[min(len(lat) - 1, round(len(lat) * 0.99))]:.0f} ms")
