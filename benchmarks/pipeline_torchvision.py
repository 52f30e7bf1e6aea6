"""Seed 002's augmented training pipeline with torchvision + PIL through a DataLoader (2 workers).
Prints images per second for each of two epochs. Usage: /usr/bin/python3 benchmarks/pipeline_torchvision.py DIR"""
import sys
import time

import torch
from torchvision import datasets, transforms

torch.set_num_threads(1)
t = transforms.Compose([
    transforms.Resize((150, 150)),
    transforms.RandomRotation(40),
    transforms.RandomResizedCrop((150, 150), scale=(0.8, 1.2)),
    transforms.RandomHorizontalFlip(),
    transforms.RandomAffine(degrees=0, shear=20),
    transforms.ColorJitter(brightness=0.2, contrast=0.2, saturation=0.2),
    transforms.ToTensor(),
    transforms.Normalize(mean=[0.5, 0.5, 0.5], std=[0.5, 0.5, 0.5])])
data = datasets.ImageFolder(sys.argv[1], transform=t)
loader = torch.utils.data.DataLoader(data, batch_size=20, shuffle=True, num_workers=2)
# Two epochs, as the torch4j benchmark (each epoch starts its worker processes afresh, as by default).
line = "torchvision"
for epoch in (1, 2):
    start, n = time.perf_counter(), 0
    for x, y in loader:
        n += x.shape[0]
    line += f" epoch {epoch}: {n / (time.perf_counter() - start):.1f} images/s ({n} images)"
print(line)
