"""PyTorch's side of benchmarks/StartupProbe.java: seconds since the process started at which `import torch` is done,
the first LeNet forward (1x1x28x28) is done and the first training step (batch 64, Adam) is done.
Usage: /usr/bin/python3 benchmarks/startup_pytorch.py"""
import os


def since_start():
    with open("/proc/self/stat") as f:
        start_ticks = float(f.read().split(") ")[1].split(" ")[19])
    with open("/proc/uptime") as f:
        uptime = float(f.read().split(" ")[0])
    return uptime - start_ticks / os.sysconf("SC_CLK_TCK")


main = since_start()
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(2)
imported = since_start()


class LeNet(nn.Module):  # seed 003's, as ../shared/reference/seed_models.py
    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2))
        self.fc = nn.Sequential(nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))

    def forward(self, x):
        return self.fc(self.conv(x))


m = LeNet()
with torch.no_grad():
    m(torch.randn(1, 1, 28, 28)).sum().item()
forward = since_start()
opt = torch.optim.Adam(m.parameters(), lr=1e-3)
opt.zero_grad()
F.cross_entropy(m(torch.randn(64, 1, 28, 28)), torch.zeros(64, dtype=torch.long)).backward()
opt.step()
step = since_start()
print(f"pytorch {torch.__version__}: interpreter at {main:.2f} s, import torch done at {imported:.2f} s, first forward at {forward:.2f} s, "
      f"first training step at {step:.2f} s")
